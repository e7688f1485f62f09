import { Match } from 'aws-cdk-lib/assertions';

/** The key policy statement CT.KMS.PR.3 asks for, as `denyGrantsToNonAwsServices` renders it. */
export const DENY_NON_AWS_GRANTS = Match.objectLike({
  Effect: 'Deny',
  Principal: { AWS: '*' },
  Action: 'kms:CreateGrant',
  Resource: '*',
  Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
});
