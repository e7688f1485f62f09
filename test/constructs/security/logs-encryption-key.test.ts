import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { LogsEncryptionKey } from '../../../lib/constructs/security/logs-encryption-key';
import { DENY_NON_AWS_GRANTS } from '../../helpers/kms';

describe('LogsEncryptionKey', () => {
  const stack = new Stack(new App(), 'Test');
  const { key } = new LogsEncryptionKey(stack, 'LogsKey');
  new logs.LogGroup(stack, 'A', { encryptionKey: key });
  new logs.LogGroup(stack, 'B', { encryptionKey: key });
  const template = Template.fromStack(stack);

  test('is one rotated key, retained by default, for several log groups', () => {
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain', Properties: Match.objectLike({ EnableKeyRotation: true }) });
    template.resourcePropertiesCountIs('AWS::Logs::LogGroup', { KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LogsKey'), 'Arn'] } }, 2);
  });

  test('lets CloudWatch Logs of this region use it for log groups of this account and region only', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({
        Principal: { Service: { 'Fn::Join': ['', ['logs.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } },
        Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': {
          'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':log-group:*']],
        } } },
      })]) },
    });
  });

  test('allows grants only for AWS resources', () => {
    template.hasResourceProperties('AWS::KMS::Key', { KeyPolicy: { Statement: Match.arrayWith([DENY_NON_AWS_GRANTS]) } });
  });

  test('the removal policy is a prop', () => {
    const other = new Stack(new App(), 'Other');
    new LogsEncryptionKey(other, 'LogsKey', { removalPolicy: RemovalPolicy.DESTROY });
    Template.fromStack(other).hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete' });
  });
});
