import { AwsClients } from './aws-clients';
import { ResolvedAgentConfig, longPollSeconds } from './config';
import { drain } from './drain';
import { ImdsClient } from './imds-client';
import { DrainNotice, ImdsWatcher } from './imds-watcher';
import { JobRunner } from './job-runner';
import { LifecycleSettings } from './lifecycle';
import { Logger } from './log';
import { ScaleInProtection } from './protection';
import { QueueClient } from './queue-client';
import { QueueWorker } from './queue-worker';

/** The AWS clients (built by createAwsClients, with their deadlines) and the logger the agent uses. */
export interface AgentDeps extends AwsClients {
  /** JSON line logger. */
  readonly log: Logger;
}

/** A running agent. */
export interface Agent {
  /** Drains the instance (once; later calls return the same drain). */
  drain(notice: DrainNotice): Promise<void>;
  /** Settles when a drain, whatever started it, has finished. */
  readonly drained: Promise<void>;
}

/**
 * Starts the queue agent: the queue worker long-polls the queue for up to maxConcurrentJobs
 * jobs at a time, held under scale-in protection while any runs, renewing each job's
 * visibility every heartbeat; the job runner writes each job's result to S3 and notifies its
 * topic, and only then is the message deleted; a failed job is hidden for the retry delay, a
 * job returned by a drain is visible at once. The metadata watcher starts a drain on an
 * interruption notice or the group's termination. Every AWS and metadata call has a deadline;
 * failing calls back off.
 */
export function startAgent(config: ResolvedAgentConfig, deps: AgentDeps): Agent {
  const { log } = deps;
  const apiTimeoutMs = config.apiTimeoutSeconds * 1000;
  const backoff = { baseMs: config.backoffBaseSeconds * 1000, maxMs: config.backoffMaxSeconds * 1000 };
  const protection = new ScaleInProtection(deps.autoScaling, {
    autoScalingGroupName: config.autoScalingGroupName,
    instanceId: config.instanceId,
    releaseDelayMs: config.protectionReleaseDelaySeconds * 1000,
    callTimeoutMs: apiTimeoutMs,
    backoff,
  }, log);
  const waitTimeSeconds = longPollSeconds(config);
  const worker = new QueueWorker(
    new QueueClient(deps.sqs, config.queueUrl, apiTimeoutMs),
    new JobRunner(config, deps, log),
    protection,
    {
      maxConcurrentJobs: config.maxConcurrentJobs,
      visibilityTimeoutSeconds: config.visibilityTimeoutSeconds,
      heartbeatIntervalMs: config.heartbeatIntervalSeconds * 1000,
      callTimeoutMs: apiTimeoutMs,
      waitTimeSeconds,
      retryDelaySeconds: config.retryDelaySeconds,
      jobTimeoutMs: config.jobTimeoutSeconds * 1000,
      deleteRetryBudgetMs: config.deleteRetryBudgetSeconds * 1000,
      backoff,
    },
    log,
  );
  const lifecycleMaxMs = Math.min(backoff.maxMs, config.lifecycleRetryIntervalSeconds * 1000);
  const lifecycle: LifecycleSettings = {
    autoScalingGroupName: config.autoScalingGroupName,
    instanceId: config.instanceId,
    terminationLifecycleHookName: config.terminationLifecycleHookName,
    callTimeoutMs: apiTimeoutMs,
    backoff: { baseMs: Math.min(backoff.baseMs, lifecycleMaxMs), maxMs: lifecycleMaxMs },
  };
  const imds = new ImdsClient(config.imdsEndpoint, config.imdsTimeoutSeconds * 1000);
  const watcher = new ImdsWatcher(imds, config.imdsPollIntervalSeconds * 1000, log);

  let draining: Promise<void> | undefined;
  let onDrained: () => void = () => undefined;
  const agent: Agent = {
    drained: new Promise<void>((resolve) => { onDrained = resolve; }),
    drain(notice) {
      draining ??= (() => {
        watcher.stop();
        return drain({ worker, protection, autoScaling: deps.autoScaling, imds, lifecycle, config, log }, notice).then(onDrained);
      })();
      return draining;
    },
  };
  watcher.start((notice) => void agent.drain(notice));
  protection.releaseWhenIdle();
  worker.start();
  log('agent_started', {
    queueUrl: config.queueUrl, instanceId: config.instanceId, model: config.model, maxConcurrentJobs: config.maxConcurrentJobs, longPollSeconds: waitTimeSeconds,
  });
  return agent;
}
