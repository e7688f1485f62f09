import { join } from 'node:path';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import { exemptFromControlTower } from '../../compliance/control-tower-exemption';
import { logRetentionUnderAYear } from '../../compliance/shared-exemptions';
import { INSTANCE_METRICS_NAMESPACE } from '../../gpu/gpu-metrics';
import { LAUNCHER_PATHS, launcherConfigFile } from '../../runtime/training/launcher-files';
import { checkDurationBetween, checkWholeDuration, throwIfProblems } from '../../validation';
import { InferenceImage } from '../inference/inference-image';
import { grantReadAssetObjects } from '../storage/grant-read-assets';
import { acknowledgeWildcards, resourceFinding, S3_READ_ACTION_FINDINGS, S3_WRITE_ACTION_FINDINGS } from './nag-findings';
import { ITrainingCapacity } from './training-capacity';
import { TrainingBuckets } from './training-buckets';
import { defaultEc2TrainingImage } from './training-images';
import { TRAINING_HEARTBEAT_METRIC_NAME } from './training-metrics';

/** The spot interruption notice comes two minutes before EC2 interrupts the instance (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/spot-instance-termination-notices.html). */
const SPOT_NOTICE = Duration.minutes(2);
/** Left of the notice after the grace, for the last checkpoint upload. */
const UPLOAD_MARGIN = Duration.seconds(20);

/** Props of {@link TrainingRuntime}. */
export interface TrainingRuntimeProps {
  /** The buckets of checkpoints, datasets, code, run records and training output. */
  readonly buckets: TrainingBuckets;
  /** The ECR repository of the teams' own training images: nodes may pull any tag of it. */
  readonly imageRepository: ecr.IRepository;
  /**
   * The image of runs started without `--image`; nodes may pull it.
   * @default - the AWS Deep Learning Container pytorch-training, EC2 variant (DLC_TRAINING_TAG_EC2)
   */
  readonly image?: InferenceImage;
  /** Retention of the log group of the jobs and the launchers. */
  readonly logRetention: logs.RetentionDays;
  /**
   * Customer managed key the log group is encrypted with (CT.CLOUDWATCH.PR.3).
   * @default - CloudWatch Logs' own encryption at rest
   */
  readonly logEncryptionKey?: kms.IKey;
  /**
   * Removal policy of the log group.
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * How often a node uploads its checkpoint directory while the job runs (whole seconds, 1 minute
   * to 1 day); it also uploads it when the job ends or is stopped.
   * @default Duration.minutes(5)
   */
  readonly checkpointSyncInterval?: Duration;
  /**
   * How long a job has between SIGTERM and SIGKILL to write its last checkpoint (whole seconds,
   * 10 s to 100 s): a spot notice comes two minutes ahead, and the upload needs the rest.
   * @default Duration.seconds(75)
   */
  readonly signalGrace?: Duration;
}

/**
 * The software of training nodes: the launcher (`lib/runtime/training/train-node.sh`) and its
 * peer discovery, shipped as S3 assets, and the log group of the jobs. Bind it to training
 * capacity (`bind(cluster)`, `bind(spotFleet)`): the nodes then run the active run of that
 * target, started by `npm run train -- start`, under the training contract (docs/training.md
 * "The training contract"), and get exactly the rights it needs: the run's S3 prefixes, the log group, pulls of
 * the training images, the peer-discovery describes.
 */
export class TrainingRuntime extends Construct {
  /** Where each node sends its job's output (`<run>/<instance>/job`) and its launcher's states (`<run>/<instance>/launcher`). */
  public readonly logGroup: logs.LogGroup;
  private readonly props: TrainingRuntimeProps;
  private readonly scripts: Asset[];
  private readonly image: InferenceImage;
  private imageUri?: string;

  constructor(scope: Construct, id: string, props: TrainingRuntimeProps) {
    super(scope, id);
    this.props = props;
    throwIfProblems(
      checkDurationBetween('checkpointSyncInterval', this.checkpointSyncInterval, Duration.minutes(1), Duration.days(1)),
      checkWholeDuration('checkpointSyncInterval', this.checkpointSyncInterval, 'seconds'),
      checkDurationBetween('signalGrace', this.signalGrace, Duration.seconds(10), SPOT_NOTICE.minus(UPLOAD_MARGIN)),
      checkWholeDuration('signalGrace', this.signalGrace, 'seconds'),
      props.image?.problem('image'),
    );
    this.image = props.image ?? defaultEc2TrainingImage();
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      encryptionKey: props.logEncryptionKey,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
    });
    exemptFromControlTower(this, this.logGroup, logRetentionUnderAYear(props.logRetention));
    const scriptDir = join(__dirname, '..', '..', 'runtime', 'training');
    this.scripts = [
      new Asset(this, 'Launcher', { path: join(scriptDir, 'train-node.sh') }),
      new Asset(this, 'DiscoverPeers', { path: join(scriptDir, 'discover-peers.sh') }),
    ];
  }

  private get checkpointSyncInterval(): Duration {
    return this.props.checkpointSyncInterval ?? Duration.minutes(5);
  }

  private get signalGrace(): Duration {
    return this.props.signalGrace ?? Duration.seconds(75);
  }

  /** The image runs use without `--image`, resolved for the deploy region; known once bound. */
  public get defaultImageUri(): string {
    if (this.imageUri === undefined) throw new Error('TrainingRuntime.defaultImageUri is known once the runtime is bound to capacity: call bind() first');
    return this.imageUri;
  }

  /**
   * Installs the launcher on `capacity`: user data that downloads the scripts, writes the
   * launcher's config and starts it as the systemd unit `train-node` (stopped before docker at
   * shutdown, so a terminating node flushes its checkpoint), and the grants the nodes need.
   */
  public bind(capacity: ITrainingCapacity): void {
    const { buckets } = this.props;
    const [launcher, discoverPeers] = this.scripts;
    const userData = capacity.userData;
    const region = Stack.of(this).region;
    userData.addS3DownloadCommand({ bucket: launcher.bucket, bucketKey: launcher.s3ObjectKey, localFile: LAUNCHER_PATHS.launcher, region });
    userData.addS3DownloadCommand({ bucket: discoverPeers.bucket, bucketKey: discoverPeers.s3ObjectKey, localFile: LAUNCHER_PATHS.discoverPeers, region });
    const config = launcherConfigFile({
      target: capacity.trainingTarget,
      runsUri: `s3://${buckets.artifactBucket.bucketName}/${TrainingBuckets.TRAINING_RUNS_PREFIX}`,
      logGroupName: this.logGroup.logGroupName,
      metricsNamespace: INSTANCE_METRICS_NAMESPACE,
      heartbeatMetricName: TRAINING_HEARTBEAT_METRIC_NAME,
      checkpointSyncSeconds: this.checkpointSyncInterval.toSeconds(),
      signalGraceSeconds: this.signalGrace.toSeconds(),
    });
    userData.addCommands(
      `mkdir -p ${LAUNCHER_PATHS.config.replace(/\/[^/]+$/, '')}`,
      `cat > '${LAUNCHER_PATHS.config}' <<'AI_INFRA_TRAINING_EOF'`, config, 'AI_INFRA_TRAINING_EOF',
      `chmod 755 ${LAUNCHER_PATHS.launcher} ${LAUNCHER_PATHS.discoverPeers}`,
      [
        'systemd-run --unit=train-node',
        '--property=After=docker.service --property=Wants=docker.service',
        // SIGTERM to the launcher only: it stops the job with its grace and uploads the checkpoint.
        '--property=KillMode=mixed',
        `--property=TimeoutStopSec=${this.signalGrace.plus(Duration.minutes(1)).toSeconds()}`,
        `${LAUNCHER_PATHS.launcher} ${LAUNCHER_PATHS.config}`,
      ].join(' '),
    );
    this.grantNodes(capacity);
  }

  /** What a node's launcher does, and nothing else. */
  private grantNodes(capacity: ITrainingCapacity): void {
    const { buckets, imageRepository } = this.props;
    const role = capacity.grantPrincipal;
    grantReadAssetObjects(capacity, this.scripts);
    buckets.grantReadWriteCheckpoints(capacity);
    buckets.grantReadDatasets(capacity);
    buckets.grantReadTrainingCode(capacity);
    buckets.grantRunNode(capacity);
    buckets.grantWriteTrainingOutput(capacity);
    this.logGroup.grantWrite(capacity);
    imageRepository.grantPull(capacity);
    // One pull grant per capacity; the URI is the same deploy-time value for each.
    this.imageUri ??= this.image.bind(new Construct(this, `Image-${capacity.trainingTarget}`), capacity, 'gpu').imageUri;
    iam.Grant.addToPrincipal({
      grantee: capacity,
      actions: ['autoscaling:DescribeAutoScalingGroups', 'ec2:DescribeInstances', 'ec2:DescribeFleetInstances'],
      resourceArns: ['*'],
    });
    const artifacts = buckets.artifactBucket;
    acknowledgeWildcards(role, [...S3_READ_ACTION_FINDINGS, ...S3_WRITE_ACTION_FINDINGS], 'CDK grant action groups on one bucket and one key prefix each: a node restores, replaces and cleans up checkpoints, reads code, data and run records, writes its reports and the model.');
    acknowledgeWildcards(
      role,
      [
        resourceFinding(role, buckets.checkpointBucket.arnForObjects(`${TrainingBuckets.CHECKPOINT_PREFIX}*`)),
        resourceFinding(role, buckets.datasetBucket.arnForObjects(`${TrainingBuckets.DATASET_PREFIX}*`)),
        resourceFinding(role, artifacts.arnForObjects(`${TrainingBuckets.TRAINING_CODE_PREFIX}*`)),
        resourceFinding(role, artifacts.arnForObjects(`${TrainingBuckets.TRAINING_RUNS_PREFIX}*`)),
        resourceFinding(role, artifacts.arnForObjects(`${TrainingBuckets.TRAINING_RUNS_PREFIX}*/nodes/*`)),
        resourceFinding(role, artifacts.arnForObjects(`${TrainingBuckets.TRAINING_OUTPUT_PREFIX}*`)),
      ],
      'Scoped to the training key prefixes (checkpoints/, datasets/, training-code/, training-runs/, training-runs/*/nodes/, training-output/): run names and dataset files are chosen when a run starts, not at deploy time.',
    );
  }
}
