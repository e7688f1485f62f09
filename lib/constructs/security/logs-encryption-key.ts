import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { denyGrantsToNonAwsServices } from './deny-grants-to-non-aws-services';

/** Props of {@link LogsEncryptionKey}. */
export interface LogsEncryptionKeyProps {
  /**
   * What happens to the key when it leaves the app. A destroyed key is deleted after a 7-day
   * waiting period, and the logs encrypted with it become unreadable.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * One customer managed KMS key for the CloudWatch Logs log groups of a stack (CT.CLOUDWATCH.PR.3):
 * rotated yearly, usable by CloudWatch Logs for log groups of this account and region only, no
 * grants except for AWS resources. A key costs 1 USD a month: one serves every log group of its
 * stack, where a key per log group would multiply that for no isolation that matters (CloudWatch
 * Logs, not the reader, uses the key). Not one per environment: the control accepts only a key
 * ARN or a reference to a key in the same template, so a log group using another stack's key
 * (`Fn::GetStackOutput` / `Fn::ImportValue`) fails it at synth.
 */
export class LogsEncryptionKey extends Construct {
  /** The key; pass it as a log group's `encryptionKey`. */
  public readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: LogsEncryptionKeyProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    this.key = new kms.Key(this, 'Key', {
      description: `CloudWatch Logs of ${stack.stackName}`,
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      pendingWindow: Duration.days(7),
    });
    this.key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'CloudWatchLogsOfThisAccountAndRegion',
      principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
      actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      resources: ['*'],
      conditions: {
        ArnLike: { 'kms:EncryptionContext:aws:logs:arn': stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
      },
    }));
    denyGrantsToNonAwsServices(this.key);
  }
}
