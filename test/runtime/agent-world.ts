import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { SQSClient } from '@aws-sdk/client-sqs';
import { Agent, startAgent } from '../../lib/runtime/inference/agent/agent';
import { AgentConfig, parseConfig } from '../../lib/runtime/inference/agent/config';
import { FakeAws, startFakeAws } from './fakes/fake-aws';
import { FakeImds } from './fakes/fake-imds';
import { FakeInference } from './fakes/fake-inference';

export const INSTANCE_ID = 'i-0123456789abcdef0';
export const GROUP = 'inference-fleet';
export const TERMINATION_HOOK = 'termination-hook';
export const CREDENTIALS = { accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret' };

/**
 * Everything the queue agent talks to, on loopback: IMDS, the inference server, and SQS plus
 * Auto Scaling behind one fake AWS endpoint. Timeouts are short so each drill takes seconds.
 */
export class AgentWorld {
  readonly logs: { event: string; [field: string]: unknown }[] = [];

  private constructor(readonly imds: FakeImds, readonly inference: FakeInference, readonly aws: FakeAws) {}

  static async start(): Promise<AgentWorld> {
    const [imds, inference, aws] = await Promise.all([FakeImds.start(), FakeInference.start(), startFakeAws()]);
    return new AgentWorld(imds, inference, aws);
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
    };
  }

  /** Starts the agent in this process. */
  startAgent(overrides: Partial<AgentConfig> = {}): Agent {
    const config = parseConfig(this.configFile(overrides), this.agentEnv());
    const clientConfig = { region: config.region, endpoint: this.aws.url, credentials: CREDENTIALS };
    return startAgent(config, {
      sqs: new SQSClient(clientConfig),
      autoScaling: new AutoScalingClient(clientConfig),
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
    await Promise.all([this.imds.close(), this.inference.close(), this.aws.close()]);
  }
}
