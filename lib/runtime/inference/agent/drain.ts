import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { Consumer } from 'sqs-consumer';
import { AgentConfig } from './config';
import { DrainNotice } from './imds-watcher';
import { JobRunner } from './job-runner';
import { completeTerminationAction } from './lifecycle';
import { Logger } from './log';
import { ScaleInProtection } from './protection';

/** What a drain acts on. */
export interface DrainParts {
  /** The sqs-consumer polling the job queue. */
  readonly consumer: Consumer;
  /** True from a message's receipt until sqs-consumer has deleted or returned it. */
  readonly isProcessing: () => boolean;
  /** Runs the job in flight; a drain stops it accepting more and may abort the current one. */
  readonly runner: JobRunner;
  /** The instance's scale-in protection, cleared before the lifecycle action completes. */
  readonly protection: ScaleInProtection;
  /** Completes the termination lifecycle action. */
  readonly autoScaling: AutoScalingClient;
  /** The agent's config, which names the instance, its group and the termination hook. */
  readonly config: AgentConfig;
  /** JSON line logger. */
  readonly log: Logger;
}

/**
 * Drains the instance so that no job is lost:
 * 1. stop polling (an idle long poll is aborted; a message it still delivers goes back at once);
 * 2. finish the job in flight if its timeout ends before the deadline (minus the margin),
 *    otherwise abort it now; an aborted job is returned to the queue with visibility 0;
 * 3. clear scale-in protection;
 * 4. complete the termination lifecycle action.
 */
export async function drain(parts: DrainParts, notice: DrainNotice): Promise<void> {
  const { consumer, runner, config, log } = parts;
  const now = Date.now();
  const deadline = notice.deadline ?? now + config.drainTimeoutSeconds * 1000;
  const returnBy = deadline - config.drainMarginSeconds * 1000;
  log('drain_started', { reason: notice.reason, deadline: new Date(deadline).toISOString() });
  runner.stopAccepting();

  if (parts.isProcessing()) {
    const settled = new Promise<void>((resolve) => consumer.once('response_processed', () => resolve()));
    consumer.stop();
    const job = runner.current;
    if (job && job.startedAt + config.jobTimeoutSeconds * 1000 <= returnBy) {
      log('drain_finishing_job', { messageId: job.messageId });
    } else if (job) {
      runner.abortCurrent('draining: the job cannot finish before the deadline');
      log('drain_returning_job', { messageId: job.messageId });
    }
    const guard = setTimeout(() => runner.abortCurrent('drain deadline reached'), Math.max(0, returnBy - Date.now()));
    await settled;
    clearTimeout(guard);
  } else {
    consumer.stop({ abort: true });
  }

  await parts.protection.releaseNow();
  await completeTerminationAction(parts.autoScaling, config, config.lifecycleRetryIntervalSeconds * 1000, log);
  log('drain_finished', { reason: notice.reason });
}
