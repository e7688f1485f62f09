import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECRClient } from '@aws-sdk/client-ecr';
import { S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { EnvironmentConfig } from '../../lib/config';
import { STACK_IDS, StackId, stackNameOf } from '../../lib/stacks/stack-names';
import { readStackOutputs } from '../smoke-check/stack-outputs';

/** The AWS clients `npm run train` calls. */
export interface TrainClients {
  readonly cloudFormation: CloudFormationClient;
  readonly s3: S3Client;
  readonly autoScaling: AutoScalingClient;
  readonly ec2: EC2Client;
  readonly ecr: ECRClient;
  readonly serviceQuotas: ServiceQuotasClient;
  readonly sageMaker: SageMakerClient;
  readonly logs: CloudWatchLogsClient;
}

/** The SDK clients of `region`, with the default credential chain. */
export function createTrainClients(region: string): TrainClients {
  return {
    cloudFormation: new CloudFormationClient({ region }),
    s3: new S3Client({ region }),
    autoScaling: new AutoScalingClient({ region }),
    ec2: new EC2Client({ region }),
    ecr: new ECRClient({ region }),
    serviceQuotas: new ServiceQuotasClient({ region }),
    sageMaker: new SageMakerClient({ region }),
    logs: new CloudWatchLogsClient({ region }),
  };
}

/** Outputs of the environment's training stack (`<env>-Training`) the CLI reads. */
export const TRAINING_OUTPUTS = [
  'CheckpointBucketName', 'DatasetBucketName', 'ArtifactBucketName', 'ClusterAutoScalingGroupName', 'SpotFleetId',
  'ExecutionRoleArn', 'TrainingLogGroupName', 'DefaultTrainingImage', 'DefaultSageMakerTrainingImage',
] as const;

/** One environment's training stack, its config, and the clients to reach it. */
export interface TrainContext {
  readonly clients: TrainClients;
  readonly config: EnvironmentConfig;
  readonly region: string;
  readonly outputs: Record<typeof TRAINING_OUTPUTS[number], string>;
}

/** Reads `keys` of the environment's stack `stackId`; a stack that is not deployed is a clear error. */
export async function environmentOutputs<K extends string>(clients: TrainClients, environment: string, stackId: StackId, keys: readonly K[]): Promise<Record<K, string>> {
  const stackName = stackNameOf(environment, stackId);
  try {
    return await readStackOutputs(clients.cloudFormation, stackName, keys);
  } catch (error) {
    if (error instanceof Error && error.name === 'ValidationError' && /does not exist/.test(error.message)) {
      throw new Error(`stack ${stackName} is not deployed in this account and region: deploy it (npx cdk deploy -c env=${environment} ${environment}/${stackId}) or pick another --env or --region`, { cause: error });
    }
    throw error;
  }
}

/** The training context of `config`'s environment in `region`. */
export async function loadTrainContext(clients: TrainClients, config: EnvironmentConfig, region: string): Promise<TrainContext> {
  const outputs = await environmentOutputs(clients, config.name, STACK_IDS.training, TRAINING_OUTPUTS);
  return { clients, config, region, outputs };
}
