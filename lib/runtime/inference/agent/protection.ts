import { AutoScalingClient, SetInstanceProtectionCommand } from '@aws-sdk/client-auto-scaling';
import { Logger, errorMessage } from './log';

/**
 * Scale-in protection of this instance: set when a job starts, cleared once the agent has
 * been idle for a short delay (so a busy queue does not toggle it per job), and cleared at
 * once when the instance drains. A failed call is logged, never fatal: the termination
 * lifecycle hook still drains the instance.
 */
export class ScaleInProtection {
  private isProtected = false;
  private releaseTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly autoScaling: AutoScalingClient,
    private readonly target: { readonly autoScalingGroupName: string; readonly instanceId: string },
    private readonly releaseDelayMs: number,
    private readonly log: Logger,
  ) {}

  /** Protects the instance before a job runs. */
  async acquire(): Promise<void> {
    clearTimeout(this.releaseTimer);
    if (!this.isProtected) await this.set(true);
  }

  /** Clears protection after the release delay unless another job starts first. */
  releaseWhenIdle(): void {
    clearTimeout(this.releaseTimer);
    this.releaseTimer = setTimeout(() => void this.releaseNow(), this.releaseDelayMs);
  }

  /** Clears protection now. */
  async releaseNow(): Promise<void> {
    clearTimeout(this.releaseTimer);
    if (this.isProtected) await this.set(false);
  }

  private async set(value: boolean): Promise<void> {
    try {
      await this.autoScaling.send(new SetInstanceProtectionCommand({
        AutoScalingGroupName: this.target.autoScalingGroupName,
        InstanceIds: [this.target.instanceId],
        ProtectedFromScaleIn: value,
      }));
      this.isProtected = value;
      this.log('scale_in_protection', { protected: value });
    } catch (error) {
      this.log('scale_in_protection_failed', { protected: value, error: errorMessage(error) });
    }
  }
}
