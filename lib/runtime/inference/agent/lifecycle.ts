import { AutoScalingClient, CompleteLifecycleActionCommand } from '@aws-sdk/client-auto-scaling';
import { Logger, errorMessage } from './log';

/** The termination lifecycle action of this instance. */
export interface LifecycleTarget {
  /** The instance's Auto Scaling group. */
  readonly autoScalingGroupName: string;
  /** The instance completing the action. */
  readonly instanceId: string;
  /** Name of the group's termination lifecycle hook. */
  readonly terminationLifecycleHookName: string;
}

/**
 * Completes the termination lifecycle action with CONTINUE, retrying until Auto Scaling
 * accepts it. A drain can start before the action exists (a rebalance recommendation, or
 * a spot notice that reaches the instance before the group starts terminating it); the
 * retries bridge that gap, and end when the instance is gone.
 */
export async function completeTerminationAction(
  autoScaling: AutoScalingClient,
  target: LifecycleTarget,
  retryIntervalMs: number,
  log: Logger,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await autoScaling.send(new CompleteLifecycleActionCommand({
        AutoScalingGroupName: target.autoScalingGroupName,
        LifecycleHookName: target.terminationLifecycleHookName,
        InstanceId: target.instanceId,
        LifecycleActionResult: 'CONTINUE',
      }));
      log('lifecycle_action_completed', { hook: target.terminationLifecycleHookName, attempt });
      return;
    } catch (error) {
      log('lifecycle_action_not_completed', { attempt, error: errorMessage(error), retryInMs: retryIntervalMs });
      await new Promise((resolve) => setTimeout(resolve, retryIntervalMs));
    }
  }
}
