/** `value` as one single-quoted bash word, embedded single quotes escaped: nothing in it expands. */
export function shellQuote(value: string | number): string {
  return `'${String(value).replace(/'/g, `'\\''`)}'`;
}

/** A file of `NAME='value'` lines that bash `source`s: one shell-quoted assignment per variable. */
export function shellEnvFile(variables: Readonly<Record<string, string | number>>): string {
  return Object.entries(variables).map(([name, value]) => `${name}=${shellQuote(value)}`).join('\n');
}
