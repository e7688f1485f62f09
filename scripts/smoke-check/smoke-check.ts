import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { EKSClient } from '@aws-sdk/client-eks';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SQSClient } from '@aws-sdk/client-sqs';
import { EnvironmentConfig } from '../../lib/config';
import { serviceOutputKey } from '../../lib/stacks/service-names';
import { STACK_IDS, stackNameOf } from '../../lib/stacks/stack-names';
import { CheckResult, pass, runCheck } from './check-result';
import { WaitOptions } from '../jobs/status';
import { checkEndpointInService } from './endpoint-check';
import { checkFleet } from './fleet-check';
import { checkJobRoundTrip } from './job-check';
import { checkClusterActive, checkTrackingServerActive } from './ml-platform-checks';
import { checkDeadLetterQueueEmpty, checkQueueExists } from './queue-checks';
import { readServiceOutputs, readStackOutputs } from './stack-outputs';
import { templateMinSize } from './template-min-size';

/** The AWS clients the smoke check calls. */
export interface SmokeCheckClients {
  /** Reads the deployed stacks' outputs. */
  readonly cloudFormation: CloudFormationClient;
  /** Reads the health of the inference target group. */
  readonly elbv2: ElasticLoadBalancingV2Client;
  /** Reads the inference group's capacity and scheduled actions. */
  readonly autoScaling: AutoScalingClient;
  /** Reads the job queue and its dead-letter queue. */
  readonly sqs: SQSClient;
  /** Reads the SageMaker endpoint's status. */
  readonly sageMaker: SageMakerClient;
  /** Reads the smoke job's result (the job check only; see checkJobRoundTrip for the rights it needs). */
  readonly s3: S3Client;
  /** Reads the ML platform's cluster status. */
  readonly eks: EKSClient;
}

/** Outputs of each service of `<env>-AiInference` the checks read. */
export const INFERENCE_OUTPUTS = ['QueueUrl', 'DeadLetterQueueUrl', 'TargetGroupArn', 'AutoScalingGroupName', 'ResultsBucketName'] as const;

/** How long the smoke job may take, polled every 5 s. */
export const JOB_WAIT: WaitOptions = {
  timeoutMs: 300_000,
  pollIntervalMs: 5000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  now: () => new Date(),
};

/** Outputs of `<env>-Training` the checks read. */
export const TRAINING_OUTPUTS = ['EndpointName'] as const;

/** Outputs of `<env>-MlPlatform` the checks read. */
export const ML_PLATFORM_OUTPUTS = ['MlflowTrackingServerName', 'ClusterName'] as const;

/** The SDK clients of `region`, with the default credential chain. */
export function createClients(region: string): SmokeCheckClients {
  return {
    cloudFormation: new CloudFormationClient({ region }),
    elbv2: new ElasticLoadBalancingV2Client({ region }),
    autoScaling: new AutoScalingClient({ region }),
    sqs: new SQSClient({ region }),
    sageMaker: new SageMakerClient({ region }),
    s3: new S3Client({ region }),
    eks: new EKSClient({ region }),
  };
}

/** What the checks read of the environment's config: its name, whether its model is published, whether its ML platform is on. */
export type SmokeCheckConfig = Pick<EnvironmentConfig, 'name' | 'modelPublished'> & { readonly mlPlatform: Pick<EnvironmentConfig['mlPlatform'], 'enabled'> };

/**
 * Every check of one environment's deployed stacks, one result per check: each of `services`
 * (the environment's inference services the command line selected, every one by default), the
 * endpoint, and the ML platform where the environment's config deploys it.
 */
export async function runSmokeCheck(
  clients: SmokeCheckClients,
  config: SmokeCheckConfig,
  services: readonly string[],
  jobWait: WaitOptions = JOB_WAIT,
): Promise<CheckResult[]> {
  const environment = config.name;
  const inference = stackNameOf(environment, STACK_IDS.inference);
  return [
    ...(await Promise.all(services.map((service) => inferenceChecks(clients, inference, service, config, jobWait)))).flat(),
    ...(await trainingChecks(clients, stackNameOf(environment, STACK_IDS.training), config)),
    ...(config.mlPlatform.enabled ? await mlPlatformChecks(clients, stackNameOf(environment, STACK_IDS.mlPlatform)) : []),
  ];
}

/** Why the config leaves the fleet at MinSize 0 and the Training stack without an endpoint. */
const UNPUBLISHED = 'the model is not published: modelPublished is false in the environment\'s config';

async function inferenceChecks(clients: SmokeCheckClients, stackName: string, service: string, config: SmokeCheckConfig, jobWait: WaitOptions): Promise<CheckResult[]> {
  const name = `${stackName} ${service}`;
  let outputs: Record<(typeof INFERENCE_OUTPUTS)[number], string> | undefined;
  const read = await runCheck(`${name} outputs`, async () => {
    outputs = await readServiceOutputs(clients.cloudFormation, stackName, service, INFERENCE_OUTPUTS);
    return { ok: true, detail: 'read' };
  });
  if (!outputs) {
    return [read];
  }
  const o = outputs;
  return Promise.all([
    runCheck(`${name} fleet`, () => checkFleet(clients.elbv2, clients.autoScaling, o.TargetGroupArn, o.AutoScalingGroupName, {
      templateMinSize: () => templateMinSize(clients.cloudFormation, stackName, serviceOutputKey(service, 'AutoScalingGroupName')),
      ...(config.modelPublished ? {} : { reason: UNPUBLISHED }),
    })),
    runCheck(`${name} queue`, () => checkQueueExists(clients.sqs, o.QueueUrl)),
    runCheck(`${name} dead-letter queue`, () => checkDeadLetterQueueEmpty(clients.sqs, o.DeadLetterQueueUrl)),
    runCheck(`${name} job`, () => checkJobRoundTrip(clients.elbv2, {
      clients: { sqs: clients.sqs, s3: clients.s3 },
      queueUrl: o.QueueUrl,
      deadLetterQueueUrl: o.DeadLetterQueueUrl,
      resultsBucket: o.ResultsBucketName,
    }, o.TargetGroupArn, jobWait)),
  ]);
}

/** The SageMaker endpoint, which exists only once the config publishes the model: skipped before, saying why. */
async function trainingChecks(clients: SmokeCheckClients, stackName: string, config: SmokeCheckConfig): Promise<CheckResult[]> {
  return [
    await runCheck(`${stackName} endpoint`, async () => {
      if (!config.modelPublished) return pass(`skipped: ${UNPUBLISHED}, and the stack has no endpoint until it is`);
      const { EndpointName } = await readStackOutputs(clients.cloudFormation, stackName, TRAINING_OUTPUTS);
      return checkEndpointInService(clients.sageMaker, EndpointName);
    }),
  ];
}

async function mlPlatformChecks(clients: SmokeCheckClients, stackName: string): Promise<CheckResult[]> {
  let outputs: Record<(typeof ML_PLATFORM_OUTPUTS)[number], string> | undefined;
  const read = await runCheck(`${stackName} outputs`, async () => {
    outputs = await readStackOutputs(clients.cloudFormation, stackName, ML_PLATFORM_OUTPUTS);
    return { ok: true, detail: 'read' };
  });
  if (!outputs) {
    return [read];
  }
  const o = outputs;
  return Promise.all([
    runCheck(`${stackName} MLflow tracking server`, () => checkTrackingServerActive(clients.sageMaker, o.MlflowTrackingServerName)),
    runCheck(`${stackName} cluster`, () => checkClusterActive(clients.eks, o.ClusterName)),
  ]);
}
