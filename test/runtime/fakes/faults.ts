/**
 * How a fake answers a call it was told to fail: a server error, a service outage, throttling,
 * no answer at all (the connection stays open), or the normal answer after a delay.
 */
export type Fault = 'internal-error' | 'unavailable' | 'throttled' | 'hang' | { readonly delayMs: number };

interface Rule {
  readonly action: string;
  readonly faults: readonly Fault[];
  remaining: number;
  readonly untilMs: number;
  used: number;
}

/** Scripted faults of one fake, by API action ('*' for every action). */
export class Faults {
  private readonly rules: Rule[] = [];

  /**
   * Answers the calls of `action` with `faults`, taking them in turn: the next `times` calls,
   * or every call for `forMs`, or every call until clear().
   */
  inject(action: string, faults: Fault | readonly Fault[], limit: { readonly times?: number; readonly forMs?: number } = {}): void {
    this.rules.push({
      action,
      faults: Array.isArray(faults) ? faults : [faults as Fault],
      remaining: limit.times ?? Infinity,
      untilMs: limit.forMs === undefined ? Infinity : Date.now() + limit.forMs,
      used: 0,
    });
  }

  clear(): void {
    this.rules.length = 0;
  }

  /** The fault for this call of `action`, if a rule applies (using it up by one). */
  take(action: string): Fault | undefined {
    const rule = this.rules.find((r) => (r.action === action || r.action === '*') && r.remaining > 0 && Date.now() < r.untilMs);
    if (!rule) return undefined;
    rule.remaining -= 1;
    return rule.faults[rule.used++ % rule.faults.length];
  }
}
