import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { InferenceImage } from '../inference/inference-image';
import { acknowledgeWildcards, resourceFinding, S3_READ_ACTION_FINDINGS, S3_WRITE_ACTION_FINDINGS } from './nag-findings';
import { TrainingBuckets } from './training-buckets';
import { grantWriteSageMakerLogs } from './sagemaker-logs';
import { defaultSageMakerTrainingImage } from './training-images';

/** Props of {@link SageMakerExecutionRole}. */
export interface SageMakerExecutionRoleProps {
  /** Training output is written under `training-output/`, training code read under `training-code/`. */
  readonly artifactBucket: s3.IBucket;
  /** Training data is read under `datasets/`. */
  readonly datasetBucket: s3.IBucket;
  /** Training checkpoints are read and written under `checkpoints/`. */
  readonly checkpointBucket: s3.IBucket;
  /** The ECR repository of the teams' training images (the serving image's pull is granted by the endpoint). */
  readonly repository: ecr.IRepository;
  /**
   * The image of training jobs started without `--image`; the role may pull it.
   * @default - the AWS Deep Learning Container pytorch-training, SageMaker variant (DLC_TRAINING_TAG_SAGEMAKER)
   */
  readonly trainingImage?: InferenceImage;
}

/**
 * The SageMaker execution role of the endpoint's model and of training jobs
 * (`npm run train -- start --on sagemaker`), scoped to the bucket prefixes above, one ECR
 * repository, the default training image and SageMaker's own log groups. No
 * AmazonSageMakerFullAccess; `ecr:GetAuthorizationToken` is the only action on `*`.
 */
export class SageMakerExecutionRole extends Construct implements iam.IGrantable {
  /** The role. */
  public readonly role: iam.Role;
  /** The role, as a grantee. */
  public readonly grantPrincipal: iam.IRole;
  /** The image of training jobs started without `--image`, resolved for the deploy region. */
  public readonly defaultTrainingImageUri: string;

  constructor(scope: Construct, id: string, props: SageMakerExecutionRoleProps) {
    super(scope, id);
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
      description: 'SageMaker models and training jobs: the served model archive, artifact, dataset and checkpoint prefixes, one ECR repository',
    });
    this.grantPrincipal = this.role;
    props.artifactBucket.grantReadWrite(this.role, `${TrainingBuckets.TRAINING_OUTPUT_PREFIX}*`);
    props.artifactBucket.grantRead(this.role, `${TrainingBuckets.TRAINING_CODE_PREFIX}*`);
    props.datasetBucket.grantRead(this.role, `${TrainingBuckets.DATASET_PREFIX}*`);
    props.checkpointBucket.grantReadWrite(this.role, `${TrainingBuckets.CHECKPOINT_PREFIX}*`);
    props.repository.grantPull(this.role);
    this.defaultTrainingImageUri = (props.trainingImage ?? defaultSageMakerTrainingImage()).bind(this, this.role, 'gpu').imageUri;

    grantWriteSageMakerLogs(this.role);

    acknowledgeWildcards(
      this.role,
      [...S3_READ_ACTION_FINDINGS, ...S3_WRITE_ACTION_FINDINGS],
      'CDK grant action groups on one bucket and one key prefix each: SageMaker reads model data and datasets and writes checkpoints and training output.',
    );
    acknowledgeWildcards(
      this.role,
      [
        resourceFinding(this.role, props.artifactBucket.arnForObjects(`${TrainingBuckets.TRAINING_OUTPUT_PREFIX}*`)),
        resourceFinding(this.role, props.artifactBucket.arnForObjects(`${TrainingBuckets.TRAINING_CODE_PREFIX}*`)),
        resourceFinding(this.role, props.datasetBucket.arnForObjects(`${TrainingBuckets.DATASET_PREFIX}*`)),
        resourceFinding(this.role, props.checkpointBucket.arnForObjects(`${TrainingBuckets.CHECKPOINT_PREFIX}*`)),
      ],
      'Scoped to the training-output/, training-code/, datasets/ and checkpoints/ key prefixes: model versions and job names are chosen after deploy.',
    );
    acknowledgeWildcards(
      this.role,
      ['Resource::*'],
      'ecr:GetAuthorizationToken supports no resource-level permissions; image pulls are limited to the teams\' repository and the default training image\'s.',
    );
  }
}
