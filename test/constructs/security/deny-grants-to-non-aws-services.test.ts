import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { denyGrantsToNonAwsServices } from '../../../lib/constructs/security/deny-grants-to-non-aws-services';
import { DENY_NON_AWS_GRANTS } from '../../helpers/kms';

describe('denyGrantsToNonAwsServices', () => {
  test('denies kms:CreateGrant to everyone unless the grant is for an AWS resource or the caller an AWS service', () => {
    const stack = new Stack(new App(), 'Test');
    denyGrantsToNonAwsServices(new kms.Key(stack, 'Key'));
    Template.fromStack(stack).hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([DENY_NON_AWS_GRANTS]) },
    });
  });
});
