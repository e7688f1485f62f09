/**
 * Every default is stated once: as a construct's `XXX_DEFAULTS` object, documented on the prop
 * (`@default`), and applied with `withDefaults` wherever the construct or its rules need the
 * value in force. An environment config states only what differs.
 */

/** The optional fields of `T`, each with a value: what a construct's defaults object holds. */
export type Defaults<T> = { readonly [K in keyof T as undefined extends T[K] ? K : never]-?: Exclude<T[K], undefined> };

/** `T` with the fields `D` gives defaults for always set. */
export type WithDefaults<T, D> = T & { readonly [K in keyof D & keyof T]-?: Exclude<T[K], undefined> };

/**
 * `settings` with each field it leaves undefined (unset, or set to undefined by a config
 * override) taken from `defaults`.
 */
export function withDefaults<T extends object, D extends Partial<Defaults<T>>>(settings: T, defaults: D): WithDefaults<T, D> {
  const merged: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(settings)) {
    if (value !== undefined) merged[key] = value;
  }
  return merged as WithDefaults<T, D>;
}
