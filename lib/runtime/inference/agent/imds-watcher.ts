import { FailureStreak } from './backoff';
import { ImdsClient } from './imds-client';
import { Logger } from './log';

/** EC2 gives a spot instance two minutes' notice; used when the notice's time is unreadable. */
const SPOT_NOTICE_MS = 120_000;

/** Why the instance must drain, and by when (epoch ms) if the notice says. */
export interface DrainNotice {
  /** What asked for the drain. */
  readonly reason: 'spot-interruption' | 'rebalance-recommendation' | 'lifecycle-terminated' | 'sigterm';
  /**
   * When the instance goes away (epoch ms).
   * @default - none: the drain takes up to drainTimeoutSeconds
   */
  readonly deadline?: number;
}

/**
 * Polls instance metadata for the three notices that end an instance's life: a spot
 * interruption (`spot/instance-action`, with its time), a rebalance recommendation and the
 * Auto Scaling target lifecycle state `Terminated`. Reports the first one found, once.
 * Failed polls are logged when they start failing and when they recover, with their count.
 */
export class ImdsWatcher {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly polls: FailureStreak;

  constructor(
    private readonly imds: ImdsClient,
    private readonly intervalMs: number,
    log: Logger,
  ) {
    this.polls = new FailureStreak('imds_poll', log);
  }

  start(onNotice: (notice: DrainNotice) => void): void {
    const tick = async (): Promise<void> => {
      const notice = await this.check().then(
        (found) => { this.polls.succeeded(); return found; },
        (error: unknown) => { this.polls.failed(error); return undefined; },
      );
      if (this.stopped) return;
      if (notice) {
        this.stopped = true;
        onNotice(notice);
        return;
      }
      this.timer = setTimeout(() => void tick(), this.intervalMs);
    };
    void tick();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private async check(): Promise<DrainNotice | undefined> {
    const action = await this.imds.get('spot/instance-action');
    if (action !== undefined) {
      // Read without JSON.parse: an unreadable notice must still start the drain.
      const time = Date.parse(/"time"\s*:\s*"([^"]*)"/.exec(action)?.[1] ?? '');
      return { reason: 'spot-interruption', deadline: Number.isNaN(time) ? Date.now() + SPOT_NOTICE_MS : time };
    }
    if ((await this.imds.get('autoscaling/target-lifecycle-state'))?.trim() === 'Terminated') {
      return { reason: 'lifecycle-terminated' };
    }
    if ((await this.imds.get('events/recommendations/rebalance')) !== undefined) {
      return { reason: 'rebalance-recommendation' };
    }
    return undefined;
  }
}
