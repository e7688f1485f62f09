import { ImdsClient } from './imds-client';
import { Logger, errorMessage } from './log';

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
 */
export class ImdsWatcher {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly imds: ImdsClient,
    private readonly intervalMs: number,
    private readonly log: Logger,
  ) {}

  start(onNotice: (notice: DrainNotice) => void): void {
    const tick = async (): Promise<void> => {
      const notice = await this.check().catch((error: unknown) => {
        this.log('imds_poll_failed', { error: errorMessage(error) });
        return undefined;
      });
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
      const time = Date.parse((JSON.parse(action) as { time?: string }).time ?? '');
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
