/** Wall-clock parts of an instant in an IANA time zone. */
export interface LocalTime {
  readonly minute: number;
  readonly hour: number;
  readonly dayOfMonth: number;
  /** 1-12. */
  readonly month: number;
  /** 0 (Sunday) - 6 (Saturday), as cron counts. */
  readonly dayOfWeek: number;
}

/**
 * Converts epoch seconds to wall-clock time in one time zone. Offsets change only on the hour
 * (or half hour) in the zones AWS supports, so one Intl lookup per 30 minutes is cached.
 */
export class LocalClock {
  private readonly format: Intl.DateTimeFormat;
  private readonly offsets = new Map<number, number>();

  constructor(public readonly timeZone: string) {
    try {
      this.format = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
      });
    } catch {
      throw new Error(`time zone "${timeZone}" is not an IANA time zone (e.g. Europe/Berlin)`);
    }
  }

  /** Seconds to add to UTC for local wall-clock time at `epochSeconds`. */
  private offsetSeconds(epochSeconds: number): number {
    const slot = Math.floor(epochSeconds / 1800);
    let offset = this.offsets.get(slot);
    if (offset === undefined) {
      const parts = Object.fromEntries(this.format.formatToParts(new Date(slot * 1800 * 1000)).map((p) => [p.type, p.value]));
      const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute));
      offset = Math.round(asUtc / 1000 - slot * 1800);
      this.offsets.set(slot, offset);
    }
    return offset;
  }

  /** Wall-clock parts of `epochSeconds`. */
  at(epochSeconds: number): LocalTime {
    const local = new Date((epochSeconds + this.offsetSeconds(epochSeconds)) * 1000);
    return {
      minute: local.getUTCMinutes(),
      hour: local.getUTCHours(),
      dayOfMonth: local.getUTCDate(),
      month: local.getUTCMonth() + 1,
      dayOfWeek: local.getUTCDay(),
    };
  }

  /** Local hours since local midnight, fractional (e.g. 13.5 at 13:30). */
  hourOfDay(epochSeconds: number): number {
    const t = this.at(epochSeconds);
    return t.hour + t.minute / 60;
  }
}
