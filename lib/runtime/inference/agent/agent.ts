import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { Consumer } from 'sqs-consumer';
import { AgentConfig } from './config';
import { drain } from './drain';
import { ImdsClient } from './imds-client';
import { DrainNotice, ImdsWatcher } from './imds-watcher';
import { JobRunner } from './job-runner';
import { Logger, errorMessage } from './log';
import { ScaleInProtection } from './protection';

/** The AWS clients and the logger the agent uses. */
export interface AgentDeps {
  /** Client of the job queue. */
  readonly sqs: SQSClient;
  /** Client for scale-in protection and the termination lifecycle action. */
  readonly autoScaling: AutoScalingClient;
  /** Client of the results bucket. */
  readonly s3: S3Client;
  /** Client of the success and error topics. */
  readonly sns: SNSClient;
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
 * Starts the queue agent: sqs-consumer long-polls the queue one job at a time, renews the
 * job's visibility every heartbeat and deletes it after a 2xx; a failed job is hidden for
 * the retry delay, a job returned by a drain is visible at once. The metadata watcher
 * starts a drain on an interruption notice or the group's termination.
 */
export function startAgent(config: AgentConfig, deps: AgentDeps): Agent {
  const { log } = deps;
  const protection = new ScaleInProtection(deps.autoScaling, config, config.protectionReleaseDelaySeconds * 1000, log);
  const runner = new JobRunner(config, { s3: deps.s3, sns: deps.sns }, protection, log);
  let draining: Promise<void> | undefined;
  let processing = false;

  const consumer = Consumer.create({
    queueUrl: config.queueUrl,
    sqs: deps.sqs,
    handleMessage: runner.handleMessage,
    strictReturn: true,
    // The runner writes errors/<jobId>.json on the last attempt.
    messageSystemAttributeNames: ['ApproximateReceiveCount'],
    visibilityTimeout: config.visibilityTimeoutSeconds,
    heartbeatInterval: config.heartbeatIntervalSeconds,
    waitTimeSeconds: config.waitTimeSeconds,
    terminateVisibilityTimeout: () => (draining ? 0 : config.retryDelaySeconds),
  });
  consumer.on('message_received', () => { processing = true; });
  consumer.on('response_processed', () => { processing = false; });
  consumer.on('processing_error', (error, message) => log('job_failed', { messageId: message?.MessageId, error: errorMessage(error) }));
  consumer.on('timeout_error', (error, message) => log('job_failed', { messageId: message?.MessageId, error: errorMessage(error) }));
  consumer.on('error', (error) => {
    if (!draining) log('queue_error', { error: errorMessage(error) });
  });

  const watcher = new ImdsWatcher(new ImdsClient(config.imdsEndpoint), config.imdsPollIntervalSeconds * 1000, log);
  let onDrained: () => void = () => undefined;
  const agent: Agent = {
    drained: new Promise<void>((resolve) => { onDrained = resolve; }),
    drain(notice) {
      draining ??= (() => {
        watcher.stop();
        return drain({ consumer, isProcessing: () => processing, runner, protection, autoScaling: deps.autoScaling, config, log }, notice)
          .then(onDrained);
      })();
      return draining;
    },
  };
  watcher.start((notice) => void agent.drain(notice));
  consumer.start();
  log('agent_started', { queueUrl: config.queueUrl, instanceId: config.instanceId, model: config.model });
  return agent;
}
