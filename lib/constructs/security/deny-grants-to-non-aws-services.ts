import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';

/**
 * Adds the key policy statement AWS recommends: nobody creates a grant on the key unless the
 * grant is for an AWS resource (EBS, SageMaker, ...) or the caller is an AWS service. A
 * principal allowed to use the key then cannot hand that use on to others (CT.KMS.PR.3).
 */
export function denyGrantsToNonAwsServices(key: kms.Key): void {
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'DenyGrantsExceptForAwsResources',
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:CreateGrant'],
    resources: ['*'],
    conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
  }));
}
