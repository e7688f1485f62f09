import { randomUUID } from 'node:crypto';
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { Agent, startAgent } from '../../lib/runtime/inference/agent/agent';
import { AgentConfig, parseConfig } from '../../lib/runtime/inference/agent/config';
import { NewJob, createJobEnvelope } from '../../lib/runtime/inference/job-envelope';
import { FakeAws, startFakeAws } from './fakes/fake-aws';
import { FakeImds } from './fakes/fake-imds';
import { FakeInference } from './fakes/fake-inference';
import { FakeS3 } from './fakes/fake-s3';
import { FakeSns } from './fakes/fake-sns';
import { StoredMessage } from './fakes/fake-sqs';

export const INSTANCE_ID = 'i-0123456789abcdef0';
export const GROUP = 'inference-fleet';
export const TERMINATION_HOOK = 'termination-hook';
export const CREDENTIALS = { accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret' };
export const RESULTS_BUCKET = 'jobs-results';
export const SUCCESS_TOPIC = 'arn:aws:sns:eu-west-1:123456789012:job-succeeded';
export const ERROR_TOPIC = 'arn:aws:sns:eu-west-1:123456789012:job-failed';

/**
 * Everything the queue agent talks to, on loopback: IMDS, the inference server, SQS plus
 * Auto Scaling behind one fake AWS endpoint, and the results bucket (S3) and the job topics
 * (SNS) on their own. Timeouts are short so each drill takes seconds.
 */
export class AgentWorld {
  readonly logs: { event: string; [field: string]: unknown }[] = [];

  private constructor(
    readonly imds: FakeImds,
    readonly inference: FakeInference,
    readonly aws: FakeAws,
    readonly s3: FakeS3,
    readonly sns: FakeSns,
  ) {}

  static async start(): Promise<AgentWorld> {
    const [imds, inference, aws, s3, sns] = await Promise.all([FakeImds.start(), FakeInference.start(), startFakeAws(), FakeS3.start(), FakeSns.start()]);
    return new AgentWorld(imds, inference, aws, s3, sns);
  }

  /** Queues a job envelope (inline JSON input unless `job` says otherwise) whose job id is its message id. */
  sendJob(job: Partial<NewJob> = {}): StoredMessage {
    const jobId = job.jobId ?? randomUUID();
    const envelope = createJobEnvelope({ contentType: 'application/json', input: { inline: '{"prompt":"hi"}' }, ...job, jobId });
    return this.aws.queue.send(JSON.stringify(envelope), jobId);
  }

  /** The config file a drill's agent reads, before the identity variables are added. */
  configFile(overrides: Partial<AgentConfig> = {}): Record<string, unknown> {
    return {
      model: { name: 'llm', version: '7', containerImage: 'public.ecr.aws/acme/llm-server:1.2', gpuMemoryFraction: 0.8 },
      queueUrl: this.aws.queueUrl,
      region: 'eu-west-1',
      inferenceUrl: this.inference.url,
      jobTimeoutSeconds: 2,
      visibilityTimeoutSeconds: 10,
      heartbeatIntervalSeconds: 3,
      waitTimeSeconds: 20,
      retryDelaySeconds: 1,
      drainTimeoutSeconds: 5,
      drainMarginSeconds: 0.2,
      imdsEndpoint: this.imds.url,
      imdsPollIntervalSeconds: 0.05,
      protectionReleaseDelaySeconds: 0.1,
      lifecycleRetryIntervalSeconds: 0.1,
      terminationLifecycleHookName: TERMINATION_HOOK,
      resultsBucketName: RESULTS_BUCKET,
      successTopicArn: SUCCESS_TOPIC,
      errorTopicArn: ERROR_TOPIC,
      maxAttempts: 3,
      ...overrides,
    };
  }

  /** The environment the boot script gives the agent, plus the test credentials and endpoints. */
  agentEnv(): NodeJS.ProcessEnv {
    return {
      INSTANCE_ID,
      AUTOSCALING_GROUP_NAME: GROUP,
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_SQS: this.aws.url,
      AWS_ENDPOINT_URL_AUTO_SCALING: this.aws.url,
      AWS_ENDPOINT_URL_S3: this.s3.url,
      AWS_ENDPOINT_URL_SNS: this.sns.url,
    };
  }

  /** Starts the agent in this process. */
  startAgent(overrides: Partial<AgentConfig> = {}): Agent {
    const config = parseConfig(this.configFile(overrides), this.agentEnv());
    const clientConfig = { region: config.region, endpoint: this.aws.url, credentials: CREDENTIALS };
    return startAgent(config, {
      sqs: new SQSClient(clientConfig),
      autoScaling: new AutoScalingClient(clientConfig),
      s3: new S3Client({ ...clientConfig, endpoint: this.s3.url, forcePathStyle: true }),
      sns: new SNSClient({ ...clientConfig, endpoint: this.sns.url }),
      log: (event, fields) => this.logs.push({ event, ...fields }),
    });
  }

  /** Resolves once `condition` holds, polling every 10 ms; fails after `timeoutMs`. */
  async until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** CompleteLifecycleAction calls for this instance's termination hook, with CONTINUE. */
  terminationCompletions(): Record<string, string>[] {
    return this.aws.autoScaling.callsOf('CompleteLifecycleAction').filter((params) => params.LifecycleHookName === TERMINATION_HOOK
      && params.InstanceId === INSTANCE_ID && params.AutoScalingGroupName === GROUP && params.LifecycleActionResult === 'CONTINUE');
  }

  /** Every job was either completed exactly once and deleted, or is still in the queue, never completed. */
  noJobLost(): boolean {
    return this.aws.queue.messages.every((message) => {
      const completions = this.inference.completed.get(message.id) ?? 0;
      return message.deleted ? completions === 1 : completions === 0;
    });
  }

  async close(): Promise<void> {
    await Promise.all([this.imds.close(), this.inference.close(), this.aws.close(), this.s3.close(), this.sns.close()]);
  }
}
