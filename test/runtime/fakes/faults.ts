/**
 * How a fake answers a call it was told to fail: a server error, a service outage, throttling,
 * no answer at all (the connection stays open), or the normal answer after a delay.
 */
export type Fault = 'internal-error' | 'unavailable' | 'throttled' | 'hang' | { readonly delayMs: number };

/**
 * A fault after the work is done: the service performs the call (stores the object, accepts
 * the message) and its answer never reaches the caller, as when a connection drops.
 */
export type AnswerLost = 'answer-lost';

interface Rule<F> {
  readonly action: string;
  readonly faults: readonly F[];
  remaining: number;
  readonly untilMs: number;
  /** Only calls whose detail (an S3 key) starts with this. */
  readonly detailPrefix: string;
  used: number;
}

/** Scripted faults of one fake, by API action ('*' for every action); a fake may add faults of its own to `F`. */
export class Faults<F extends Fault | string = Fault> {
  private readonly rules: Rule<F>[] = [];

  /**
   * Answers the calls of `action` with `faults`, taking them in turn: the next `times` calls,
   * or every call for `forMs`, or every call until clear(); only those whose detail (the key,
   * for S3) starts with `detailPrefix`, when given.
   */
  inject(action: string, faults: F | readonly F[], limit: { readonly times?: number; readonly forMs?: number; readonly detailPrefix?: string } = {}): void {
    this.rules.push({
      action,
      faults: Array.isArray(faults) ? faults : [faults as F],
      remaining: limit.times ?? Infinity,
      untilMs: limit.forMs === undefined ? Infinity : Date.now() + limit.forMs,
      detailPrefix: limit.detailPrefix ?? '',
      used: 0,
    });
  }

  clear(): void {
    this.rules.length = 0;
  }

  /** The fault for this call of `action`, if a rule applies (using it up by one). */
  take(action: string, detail = ''): F | undefined {
    const rule = this.rules.find((r) => (r.action === action || r.action === '*') && r.remaining > 0 && Date.now() < r.untilMs && detail.startsWith(r.detailPrefix));
    if (!rule) return undefined;
    rule.remaining -= 1;
    return rule.faults[rule.used++ % rule.faults.length];
  }
}
