import { AutoScalingClient, CompleteLifecycleActionCommand } from '@aws-sdk/client-auto-scaling';
import { Backoff, BackoffPolicy } from './backoff';
import { sleep, withDeadline } from './deadline';
import { Logger } from './log';

/** The termination lifecycle action of this instance, and how completing it is retried. */
export interface LifecycleSettings {
  /** The instance's Auto Scaling group. */
  readonly autoScalingGroupName: string;
  /** The instance completing the action. */
  readonly instanceId: string;
  /** Name of the group's termination lifecycle hook. */
  readonly terminationLifecycleHookName: string;
  /** Deadline of one call (ms). */
  readonly callTimeoutMs: number;
  /** Backoff between attempts. */
  readonly backoff: BackoffPolicy;
}

/** True when Auto Scaling says the instance has no lifecycle action waiting for it. */
function isNoActionError(error: unknown): boolean {
  return error instanceof Error && error.name === 'ValidationError' && /No active Lifecycle Action/i.test(error.message);
}

/**
 * Completes the termination lifecycle action with CONTINUE, retrying with backoff until Auto
 * Scaling accepts it or `deadline` (epoch ms) passes; every attempt ends by the deadline.
 * A drain can start before the action exists (a rebalance recommendation, or a spot notice
 * that reaches the instance before the group starts terminating it): `waitForAction` retries
 * through "No active Lifecycle Action". Without it (SIGTERM on an instance the group is not
 * terminating: a restart, a reboot) that answer ends the attempts at once.
 * True once Auto Scaling accepted the completion.
 */
export async function completeTerminationAction(
  autoScaling: AutoScalingClient,
  settings: LifecycleSettings,
  deadline: number,
  waitForAction: boolean,
  log: Logger,
): Promise<boolean> {
  const hook = settings.terminationLifecycleHookName;
  const attempts = new Backoff('lifecycle_completion', settings.backoff, log);
  for (let attempt = 1; Date.now() < deadline; attempt++) {
    try {
      await withDeadline('Auto Scaling CompleteLifecycleAction', Math.min(settings.callTimeoutMs, deadline - Date.now()), (abortSignal) => autoScaling.send(
        new CompleteLifecycleActionCommand({
          AutoScalingGroupName: settings.autoScalingGroupName,
          LifecycleHookName: hook,
          InstanceId: settings.instanceId,
          LifecycleActionResult: 'CONTINUE',
        }), { abortSignal }));
      attempts.succeeded({ hook });
      log('lifecycle_action_completed', { hook, attempt });
      return true;
    } catch (error) {
      if (!waitForAction && isNoActionError(error)) {
        attempts.gaveUp({ hook });
        log('lifecycle_action_not_pending', { hook, attempt });
        return false;
      }
      await sleep(Math.min(attempts.next(error, { hook }), deadline - Date.now()));
    }
  }
  attempts.gaveUp({ hook });
  log('lifecycle_action_not_completed', { hook, reason: 'drain deadline reached' });
  return false;
}
