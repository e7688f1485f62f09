import { Duration, RemovalPolicy, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct, IConstruct } from 'constructs';
import { Defaults, withDefaults } from '../../defaults';
import { ATTEMPTS_PREFIX, ERRORS_PREFIX, INPUTS_PREFIX, RESULTS_PREFIX, submissionKey } from '../../runtime/inference/job-keys';
import { regionClaimKey } from '../../runtime/inference/region-claim';
import { Problem, checkWholeNumberAtLeast, throwIfProblems } from '../../validation';
import { DataBucket } from '../storage/data-bucket';
import { resourceFinding } from '../training/nag-findings';

/** What an environment config sets of {@link JobResults}. */
export interface JobResultsSettings {
  /**
   * How long results, errors, attempt markers and uploaded inputs are kept (whole days, at
   * least 1). Older versions of an object go after the same time.
   * @default Duration.days(30)
   */
  readonly retention?: Duration;
}

/** The defaults of {@link JobResultsSettings}. */
export const JOB_RESULTS_DEFAULTS: Defaults<JobResultsSettings> = { retention: Duration.days(30) };

/** The rules of {@link JobResultsSettings}, each problem naming its field. */
export function jobResultsSettingsProblems(settings: JobResultsSettings): Problem[] {
  const retentionDays = settings.retention?.toDays({ integral: false });
  return [retentionDays === undefined || Token.isUnresolved(retentionDays) ? undefined : checkWholeNumberAtLeast('retention (days)', retentionDays, 1)];
}

/** Props of {@link JobResults}. */
export interface JobResultsProps extends JobResultsSettings {
  /** Bucket that receives the results bucket's server access logs, under `job-results/`. */
  readonly serverAccessLogsBucket: s3.IBucket;
  /**
   * What happens to the bucket and its results when it leaves the app.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Where finished jobs go, the output side of SageMaker Asynchronous Inference: a bucket of
 * results (`results/<jobId>`), errors (`errors/<jobId>.json`), attempt records
 * (`attempts/<jobId>.json`) and each job's submitted objects (`inputs/<jobId>/`), and two
 * topics told of each success and each failure or expiry. The bucket is versioned, TLS only,
 * SSE-KMS with the aws/s3 key, logged, its object events sent to EventBridge, with every
 * object expiring after `retention`; its policy refuses any write under `results/` and
 * `errors/` that could overwrite an object. The topics are encrypted with the SNS managed key
 * and refuse plain HTTP.
 */
export class JobResults extends Construct {
  /** The results bucket. */
  public readonly bucket: s3.IBucket;
  /** One message per job that succeeded. */
  public readonly successTopic: sns.ITopic;
  /** One message per job that failed for good or was malformed. */
  public readonly errorTopic: sns.ITopic;

  constructor(scope: Construct, id: string, props: JobResultsProps) {
    super(scope, id);
    throwIfProblems(...jobResultsSettingsProblems(props));
    const { retention } = withDefaults(props, JOB_RESULTS_DEFAULTS);

    const bucket = new DataBucket(this, 'Bucket', {
      serverAccessLogsBucket: props.serverAccessLogsBucket,
      serverAccessLogsPrefix: 'job-results/',
      lifecycleRules: [
        { expiration: retention, noncurrentVersionExpiration: retention, abortIncompleteMultipartUploadAfter: Duration.days(1) },
        { expiredObjectDeleteMarker: true },
      ],
      removalPolicy: props.removalPolicy,
    });
    this.bucket = bucket;
    // Results, error documents and Region claims are written once, whoever writes: S3 evaluates the
    // s3:if-none-match condition key on PutObject and CompleteMultipartUpload, and a Null test on
    // it denies a write without If-None-Match; the parts of a multipart upload cannot carry the
    // header, so they are exempted with s3:ObjectCreationOperation, as AWS's examples do
    // (https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes-enforce.html).
    // Copies into these prefixes are refused.
    bucket.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'WriteResultsAndErrorsOnce',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['s3:PutObject'],
      resources: [bucket.arnForObjects(`${RESULTS_PREFIX}*`), bucket.arnForObjects(`${ERRORS_PREFIX}*`), bucket.arnForObjects(regionClaimKey('*'))],
      conditions: { Null: { 's3:if-none-match': 'true' }, Bool: { 's3:ObjectCreationOperation': 'true' } },
    }));
    const masterKey = kms.Alias.fromAliasName(this, 'TopicKey', 'alias/aws/sns');
    this.successTopic = new sns.Topic(this, 'SuccessTopic', { displayName: 'Inference jobs that succeeded', masterKey, enforceSSL: true });
    this.errorTopic = new sns.Topic(this, 'ErrorTopic', { displayName: 'Inference jobs that failed', masterKey, enforceSSL: true });
  }

  /**
   * Lets `grantee` (the fleet) record outcomes: write under `results/` and `errors/` (once: the
   * bucket policy requires If-None-Match there) and `attempts/`, claim jobs for its Region
   * (`inputs/<jobId>/region.json`, once), read attempt records and claims, list those prefixes only (to
   * find an earlier attempt's result, record or announcement) and publish to the two topics.
   */
  public grantWriteResults(grantee: iam.IGrantable): iam.Grant {
    const writable = [...[RESULTS_PREFIX, ERRORS_PREFIX, ATTEMPTS_PREFIX].map((prefix) => this.bucket.arnForObjects(`${prefix}*`)), this.bucket.arnForObjects(regionClaimKey('*'))];
    const write = iam.Grant.addToPrincipal({ grantee, actions: ['s3:PutObject'], resourceArns: writable });
    const readRecords = iam.Grant.addToPrincipal({ grantee, actions: ['s3:GetObject'], resourceArns: [this.bucket.arnForObjects(`${ATTEMPTS_PREFIX}*`), this.bucket.arnForObjects(regionClaimKey('*'))] });
    const list = iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:ListBucket'],
      resourceArns: [this.bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': [RESULTS_PREFIX, ERRORS_PREFIX, ATTEMPTS_PREFIX].map((prefix) => `${prefix}*`) } },
    });
    const publish = iam.Grant.addToPrincipal({ grantee, actions: ['sns:Publish'], resourceArns: [this.successTopic.topicArn, this.errorTopic.topicArn] });
    acknowledgePrefixes(grantee, writable);
    return write.combine(readRecords).combine(list).combine(publish);
  }

  /** Lets `grantee` (the fleet) read the inputs submitters uploaded under `inputs/`; each job reads only its own folder (the agent checks). */
  public grantReadInputs(grantee: iam.IGrantable): iam.Grant {
    const arn = this.bucket.arnForObjects(`${INPUTS_PREFIX}*`);
    acknowledgePrefixes(grantee, [arn]);
    return iam.Grant.addToPrincipal({ grantee, actions: ['s3:GetObject'], resourceArns: [arn] });
  }

  /**
   * Lets `grantee` (a submitter) write each job's folder `inputs/<jobId>/`: its submission
   * record, for an input too large to travel inline the input, and a job's Region claim when it
   * moves the job to the standby Region.
   */
  public grantSubmitInputs(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions: ['s3:PutObject'], resourceArns: [this.bucket.arnForObjects(`${INPUTS_PREFIX}*`)] });
  }

  /**
   * Lets `grantee` (a caller) read results, errors, attempt records, submission records and
   * Region claims, and list the bucket, so that a missing result answers 404 rather than 403
   * and `jobs list` finds recent jobs.
   */
  public grantReadResults(grantee: iam.IGrantable): iam.Grant {
    const read = iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:GetObject'],
      resourceArns: [RESULTS_PREFIX, ERRORS_PREFIX, ATTEMPTS_PREFIX].map((prefix) => this.bucket.arnForObjects(`${prefix}*`))
        .concat(this.bucket.arnForObjects(submissionKey('*')), this.bucket.arnForObjects(regionClaimKey('*'))),
    });
    return read.combine(iam.Grant.addToPrincipal({ grantee, actions: ['s3:ListBucket'], resourceArns: [this.bucket.bucketArn] }));
  }
}

/** The fleet's object grants end in `<prefix>/*`: one key per job, under the prefix only. */
function acknowledgePrefixes(grantee: iam.IGrantable, arns: readonly string[]): void {
  const principal = grantee.grantPrincipal as Partial<IConstruct>;
  if (!principal.node) return;
  for (const arn of arns) {
    Validations.of(principal as IConstruct).acknowledge({
      id: `AwsSolutions-IAM5[${resourceFinding(principal as IConstruct, arn)}]`,
      reason: 'Each job has its own keys (results/<jobId>, errors/<jobId>.json, attempts/<jobId>.json, inputs/<jobId>/); the fleet writes results, errors, attempt records and Region claims (inputs/<jobId>/region.json) and reads inputs only under their prefix.',
    });
  }
}
