import { Stack, Validations } from 'aws-cdk-lib';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference';
import { IConstruct } from 'constructs';

/** The action groups `bucket.grantRead` renders, as AwsSolutions-IAM5 findings. */
export const S3_READ_ACTION_FINDINGS: readonly string[] = ['Action::s3:GetObject*', 'Action::s3:GetBucket*', 'Action::s3:List*'];
/** The further action groups `bucket.grantReadWrite` renders. */
export const S3_WRITE_ACTION_FINDINGS: readonly string[] = ['Action::s3:DeleteObject*', 'Action::s3:Abort*'];

/** The AwsSolutions-IAM5 finding of a policy resource `arn` in `scope`'s stack, named as cdk-nag names it. */
export function resourceFinding(scope: IConstruct, arn: string): string {
  return `Resource::${flattenCfnReference(Stack.of(scope).resolve(arn))}`;
}

/** Acknowledges each AwsSolutions-IAM5 finding on `scope` (the narrowest construct: the role) with `reason`. */
export function acknowledgeWildcards(scope: IConstruct, findings: readonly string[], reason: string): void {
  for (const finding of findings) {
    Validations.of(scope).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
  }
}
