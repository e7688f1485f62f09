import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { ResolvedAgentConfig } from './config';
import { sleep } from './deadline';
import { ImdsClient } from './imds-client';
import { DrainNotice } from './imds-watcher';
import { LifecycleSettings, completeTerminationAction } from './lifecycle';
import { Logger, errorMessage } from './log';
import { ScaleInProtection } from './protection';
import { QueueWorker } from './queue-worker';

/** What a drain acts on. */
export interface DrainParts {
  /** The queue loop: stopped, its jobs finished or returned. */
  readonly worker: QueueWorker;
  /** The instance's scale-in protection, cleared before the lifecycle action completes. */
  readonly protection: ScaleInProtection;
  /** Completes the termination lifecycle action. */
  readonly autoScaling: AutoScalingClient;
  /** Tells whether the group is terminating the instance, on SIGTERM. */
  readonly imds: ImdsClient;
  /** How the lifecycle completion is retried. */
  readonly lifecycle: LifecycleSettings;
  /** The agent's config: drain timeout and margin. */
  readonly config: ResolvedAgentConfig;
  /** JSON line logger. */
  readonly log: Logger;
}

/**
 * Drains the instance so that no job is lost, and ends by the deadline (the notice's time, or
 * drainTimeoutSeconds from now), whatever AWS does meanwhile; every await below is bounded:
 * 1. stop polling (an idle long poll is aborted; a message it still delivers goes back at once);
 * 2. finish each job in flight whose deadline is before the drain deadline minus the margin,
 *    and abort the others now; an aborted job goes back to the queue with visibility 0; a
 *    completed job's delete is retried until that same time, never made visible again;
 * 3. at the same time, clear scale-in protection and complete the termination lifecycle
 *    action, each retried until the deadline. On SIGTERM the agent only waits for an action
 *    when instance metadata says the group is terminating the instance: otherwise (a restart,
 *    a reboot) one attempt that Auto Scaling answers "No active Lifecycle Action" ends it.
 */
export async function drain(parts: DrainParts, notice: DrainNotice): Promise<void> {
  const { worker, config, log } = parts;
  const deadline = notice.deadline ?? Date.now() + config.drainTimeoutSeconds * 1000;
  const returnBy = deadline - config.drainMarginSeconds * 1000;
  log('drain_started', { reason: notice.reason, deadline: new Date(deadline).toISOString() });
  worker.stop();
  for (const job of worker.inFlight) {
    if (job.deadline <= returnBy) {
      log('drain_finishing_job', { messageId: job.messageId });
    } else {
      worker.abortJob(job, 'draining: the job cannot finish before the deadline');
      log('drain_returning_job', { messageId: job.messageId });
    }
  }
  const guard = setTimeout(() => worker.giveUp('drain deadline reached', deadline), Math.max(0, returnBy - Date.now()));
  const stopWaiting = new AbortController();
  await Promise.race([worker.finished, sleep(deadline - Date.now(), stopWaiting.signal)]);
  stopWaiting.abort();
  clearTimeout(guard);

  // Independent calls, so neither can eat the other's time: Auto Scaling terminates an instance
  // in Terminating:Wait whether or not it is protected, and a restart only needs the release.
  await Promise.all([
    parts.protection.releaseNow(deadline).then((released) => {
      if (!released) log('scale_in_protection_not_cleared', { reason: 'drain deadline reached' });
    }),
    (notice.reason === 'sigterm' ? isBeingTerminated(parts.imds, log) : Promise.resolve(true))
      .then((waitForAction) => completeTerminationAction(parts.autoScaling, parts.lifecycle, deadline, waitForAction, log)),
  ]);
  log('drain_finished', { reason: notice.reason });
}

/** True when instance metadata says the group is terminating the instance (its action is pending or coming). */
async function isBeingTerminated(imds: ImdsClient, log: Logger): Promise<boolean> {
  try {
    const [state, spotAction] = await Promise.all([imds.get('autoscaling/target-lifecycle-state'), imds.get('spot/instance-action')]);
    return state?.trim() === 'Terminated' || spotAction !== undefined;
  } catch (error) {
    log('imds_lifecycle_state_unknown', { error: errorMessage(error) });
    return false;
  }
}
