import { AutoScalingClient, SetInstanceProtectionCommand } from '@aws-sdk/client-auto-scaling';
import { Backoff, BackoffPolicy } from './backoff';
import { sleep, withDeadline } from './deadline';
import { Logger } from './log';

/** How protection calls are bounded and retried. */
export interface ProtectionSettings {
  /** The instance and its group. */
  readonly autoScalingGroupName: string;
  readonly instanceId: string;
  /** Idle time after a job before protection is cleared (ms). */
  readonly releaseDelayMs: number;
  /** Deadline of one SetInstanceProtection call (ms). */
  readonly callTimeoutMs: number;
  /** Backoff of failing calls. */
  readonly backoff: BackoffPolicy;
}

/**
 * Scale-in protection of this instance as one serialized state machine. Callers say what they
 * want (protected while any job runs, unprotected once none has for the release delay: each
 * job holds protection from acquire() to releaseHold()); a single loop sends one
 * SetInstanceProtection at a time until Auto Scaling has confirmed the wanted state, retrying
 * with backoff. A call that fails or passes its deadline leaves the state unknown, so it is
 * sent again. A job waits, up to its deadline, until protection is confirmed: it never runs
 * on an unprotected instance, even while an idle release is still on the wire. The state is
 * unknown at start (a previous agent may have left it set), so an idle agent clears it.
 */
export class ScaleInProtection {
  /** What Auto Scaling last confirmed; undefined when unknown or while a call is on the wire. */
  private confirmed: boolean | undefined;
  private wanted = false;
  private reconciling = false;
  /** Jobs that acquired protection and have not released their hold. */
  private holders = 0;
  private releaseTimer: NodeJS.Timeout | undefined;
  private readonly waiters = new Set<() => void>();
  private readonly closed = new AbortController();
  private readonly calls: Backoff;

  constructor(private readonly autoScaling: AutoScalingClient, private readonly settings: ProtectionSettings, private readonly log: Logger) {
    this.calls = new Backoff('scale_in_protection', settings.backoff, log);
  }

  /**
   * Protects the instance before a job runs: true once confirmed, false if `deadline` (epoch
   * ms) or `signal` comes first. Either way the job holds protection until releaseHold().
   */
  acquire(deadline: number, signal: AbortSignal): Promise<boolean> {
    this.holders += 1;
    clearTimeout(this.releaseTimer);
    this.want(true);
    return this.until(true, deadline, signal);
  }

  /** A job is over: once no job holds protection, it is cleared after the release delay. */
  releaseHold(): void {
    this.holders -= 1;
    if (this.holders === 0 && !this.closed.signal.aborted) this.releaseWhenIdle();
  }

  /** Clears protection after the release delay, unless a job starts first. */
  releaseWhenIdle(): void {
    clearTimeout(this.releaseTimer);
    this.releaseTimer = setTimeout(() => this.want(false), this.settings.releaseDelayMs);
  }

  /** Clears protection now, for a drain: true once confirmed, false if `deadline` comes first. Then stops. */
  async releaseNow(deadline: number): Promise<boolean> {
    clearTimeout(this.releaseTimer);
    this.want(false);
    const released = await this.until(false, deadline);
    this.closed.abort();
    return released;
  }

  private want(value: boolean): void {
    this.wanted = value;
    if (!this.reconciling) void this.reconcile();
  }

  /** The one loop that sends protection calls; it clears `reconciling` in the same tick as its last check. */
  private async reconcile(): Promise<void> {
    this.reconciling = true;
    while (this.confirmed !== this.wanted && !this.closed.signal.aborted) {
      const value = this.wanted;
      // Unknown while the call is on the wire: a job must not take a release in flight for protection.
      this.confirmed = undefined;
      try {
        await withDeadline('Auto Scaling SetInstanceProtection', this.settings.callTimeoutMs, (abortSignal) => this.autoScaling.send(new SetInstanceProtectionCommand({
          AutoScalingGroupName: this.settings.autoScalingGroupName,
          InstanceIds: [this.settings.instanceId],
          ProtectedFromScaleIn: value,
        }), { abortSignal }), this.closed.signal);
        this.confirmed = value;
        this.calls.succeeded({ protected: value });
        this.log('scale_in_protection', { protected: value });
        this.notify();
      } catch (error) {
        this.confirmed = undefined;
        await sleep(this.calls.next(error, { protected: value }), this.closed.signal);
      }
    }
    this.reconciling = false;
  }

  /** Waits until Auto Scaling confirmed `value` and it is still wanted, or until `deadline` or `signal`. */
  private async until(value: boolean, deadline: number, signal?: AbortSignal): Promise<boolean> {
    while (!(this.confirmed === value && this.wanted === value)) {
      const remainingMs = deadline - Date.now();
      if (remainingMs <= 0 || signal?.aborted) return false;
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', done);
          this.waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, remainingMs);
        signal?.addEventListener('abort', done, { once: true });
        this.waiters.add(done);
      });
    }
    return true;
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
