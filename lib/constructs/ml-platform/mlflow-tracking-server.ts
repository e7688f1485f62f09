import { Names, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { CfnMlflowTrackingServer } from 'aws-cdk-lib/aws-sagemaker';
import { Construct, IConstruct } from 'constructs';
import { Defaults } from '../../defaults';
import { Problem, throwIfProblems } from '../../validation';
import { acknowledgeWildcards, resourceFinding } from '../training/nag-findings';

/** Prefix of the artifact bucket under which MLflow stores run artifacts and models. */
export const MLFLOW_ARTIFACT_PREFIX = 'mlflow/';

/**
 * Sizes of a managed MLflow tracking server; AWS recommends Small for teams of up to 25 users.
 * They are TrackingServerSize's allowed values:
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sagemaker-mlflowtrackingserver.html
 */
export const MLFLOW_TRACKING_SERVER_SIZES = ['Small', 'Medium', 'Large'] as const;

/** One of {@link MLFLOW_TRACKING_SERVER_SIZES}. */
export type MlflowTrackingServerSize = (typeof MLFLOW_TRACKING_SERVER_SIZES)[number];

/** Props of {@link MlflowTrackingServer}. */
export interface MlflowTrackingServerProps {
  /** Bucket of the artifact store; MLflow writes under `mlflow/`. */
  readonly artifactBucket: s3.IBucket;
  /**
   * Size of the tracking server, billed per hour while it exists.
   * @default 'Small'
   */
  readonly size?: MlflowTrackingServerSize;
  /**
   * Start of the weekly maintenance window, in UTC, as `Ddd:HH:MM`, e.g. `Sun:03:00`.
   * @default - a window SageMaker chooses
   */
  readonly weeklyMaintenanceWindowStart?: string;
  /**
   * MLflow version of the server, e.g. `3.0`.
   * @default - the latest version SageMaker offers at creation
   */
  readonly mlflowVersion?: string;
}

/** A config is plain data: a size outside the type (a cast, a typo in JavaScript) would fail only at deploy. */
function checkSize(value: string | undefined): Problem {
  if (value === undefined || Token.isUnresolved(value) || (MLFLOW_TRACKING_SERVER_SIZES as readonly string[]).includes(value)) return undefined;
  return `size ("${value}") must be one of ${MLFLOW_TRACKING_SERVER_SIZES.join(', ')} (CloudFormation's TrackingServerSize): Small serves up to 25 users`;
}

function checkMaintenanceWindow(value: string | undefined): Problem {
  if (value === undefined || Token.isUnresolved(value) || /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun):([01]\d|2[0-3]):[0-5]\d$/.test(value)) {
    return undefined;
  }
  return `weeklyMaintenanceWindowStart ("${value}") must be Ddd:HH:MM in UTC, e.g. "Sun:03:00"`;
}

function checkMlflowVersion(value: string | undefined): Problem {
  if (value === undefined || Token.isUnresolved(value) || /^\d+(\.\d+)+$/.test(value)) return undefined;
  return `mlflowVersion ("${value}") must be a version number such as "3.0"`;
}

/** The server's settings: plain values an environment config holds. */
export type MlflowTrackingServerSettings = Pick<MlflowTrackingServerProps, 'size' | 'weeklyMaintenanceWindowStart' | 'mlflowVersion'>;

/** The defaults of {@link MlflowTrackingServerSettings} this library chooses (the others are SageMaker's). */
export const MLFLOW_TRACKING_SERVER_DEFAULTS = { size: 'Small' } as const satisfies Partial<Defaults<MlflowTrackingServerSettings>>;

/** The rules of {@link MlflowTrackingServerSettings}, each problem naming its field. */
export function mlflowTrackingServerSettingsProblems(settings: MlflowTrackingServerSettings): Problem[] {
  return [checkSize(settings.size), checkMaintenanceWindow(settings.weeklyMaintenanceWindowStart), checkMlflowVersion(settings.mlflowVersion)];
}

/**
 * A SageMaker managed MLflow tracking server (L1 only: aws-cdk-lib has no L2 for it) with its
 * artifact store in S3, a role that SageMaker assumes to write artifacts and to register
 * logged models into the SageMaker Model Registry automatically, and a managed policy that
 * lets roles log runs (`grantLogRuns`).
 */
export class MlflowTrackingServer extends Construct {
  /** The tracking server's ARN: the `mlflow.set_tracking_uri(...)` value with the `sagemaker-mlflow` plugin. */
  public readonly trackingServerArn: string;
  /** The tracking server's name, for `aws sagemaker create-presigned-mlflow-tracking-server-url`. */
  public readonly trackingServerName: string;
  /** The role SageMaker assumes for the server. */
  public readonly role: iam.Role;
  /** What a role needs to log runs: the MLflow API on this server, and the artifact prefix. */
  public readonly runLoggerPolicy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: MlflowTrackingServerProps) {
    super(scope, id);
    throwIfProblems(...mlflowTrackingServerSettingsProblems(props));
    const bucket = props.artifactBucket;
    const artifacts = bucket.arnForObjects(`${MLFLOW_ARTIFACT_PREFIX}*`);
    const stack = Stack.of(this);

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
      description: 'Assumed by the managed MLflow tracking server: artifact store and automatic model registration.',
    });
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
      resources: [artifacts],
    }));
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['s3:ListBucket', 's3:GetBucketLocation'],
      resources: [bucket.bucketArn],
    }));
    const modelPackages = ['model-package-group', 'model-package'].map((resource) => stack.formatArn({ service: 'sagemaker', resource, resourceName: '*' }));
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['sagemaker:CreateModelPackageGroup', 'sagemaker:DescribeModelPackageGroup', 'sagemaker:CreateModelPackage', 'sagemaker:UpdateModelPackage', 'sagemaker:AddTags'],
      resources: modelPackages,
    }));
    this.acknowledgeArtifactPrefix(this.role, bucket, 'The tracking server writes run artifacts and models under keys it names per experiment and run, all below the mlflow/ prefix of the platform bucket.');
    acknowledgeWildcards(
      this.role,
      modelPackages.map((arn) => resourceFinding(this.role, arn)),
      'Automatic model registration creates one model package group per registered MLflow model, named after it at run time; the role is limited to model packages of this account and region.',
    );

    this.trackingServerName = Names.uniqueResourceName(this, { maxLength: 63 });
    const server = new CfnMlflowTrackingServer(this, 'Resource', {
      trackingServerName: this.trackingServerName,
      artifactStoreUri: bucket.s3UrlForObject(MLFLOW_ARTIFACT_PREFIX.replace(/\/$/, '')),
      roleArn: this.role.roleArn,
      trackingServerSize: props.size ?? MLFLOW_TRACKING_SERVER_DEFAULTS.size,
      weeklyMaintenanceWindowStart: props.weeklyMaintenanceWindowStart,
      mlflowVersion: props.mlflowVersion,
      automaticModelRegistration: true,
    });
    server.node.addDependency(this.role);
    this.trackingServerArn = server.attrTrackingServerArn;

    this.runLoggerPolicy = new iam.ManagedPolicy(this, 'RunLoggerPolicy', {
      description: 'Log MLflow runs to the platform tracking server and read and write their artifacts.',
      statements: [
        new iam.PolicyStatement({
          actions: ['sagemaker-mlflow:*', 'sagemaker:DescribeMlflowTrackingServer'],
          resources: [this.trackingServerArn],
        }),
        new iam.PolicyStatement({ actions: ['s3:GetObject', 's3:PutObject'], resources: [artifacts] }),
        new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }),
      ],
    });
    Validations.of(this.runLoggerPolicy).acknowledge({
      id: 'AwsSolutions-IAM5[Action::sagemaker-mlflow:*]',
      reason: 'The MLflow REST API (experiments, runs, metrics, models) is one IAM action per call; AWS documents sagemaker-mlflow:* for clients, and the statement is limited to this one tracking server.',
    });
    this.acknowledgeArtifactPrefix(this.runLoggerPolicy, bucket, 'The MLflow client uploads and downloads run artifacts directly under the mlflow/ prefix, at keys named by experiment and run id.');
  }

  /** Lets `role` log runs, register models and read and write artifacts of this server, by attaching `runLoggerPolicy`. */
  public grantLogRuns(role: iam.IRole): void {
    this.runLoggerPolicy.attachToRole(role);
  }

  /** Acknowledges the `mlflow/*` wildcard of the artifact bucket on `scope`. */
  private acknowledgeArtifactPrefix(scope: IConstruct, bucket: s3.IBucket, reason: string): void {
    acknowledgeWildcards(scope, [resourceFinding(scope, bucket.arnForObjects(`${MLFLOW_ARTIFACT_PREFIX}*`))], reason);
  }
}
