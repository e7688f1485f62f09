import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { EnvironmentBudget, EnvironmentBudgetProps } from '../../../lib/constructs/cost/environment-budget';
import { DENY_NON_AWS_GRANTS } from '../../helpers/kms';

const props: EnvironmentBudgetProps = {
  monthlyLimitUsd: 1500,
  costAllocationTag: { key: 'environment', value: 'dev' },
  notificationEmails: ['ml-platform@example.com'],
};

function build(overrides: Partial<EnvironmentBudgetProps> = {}): Stack {
  const stack = new Stack(new App(), 'Cost');
  new EnvironmentBudget(stack, 'Budget', { ...props, ...overrides });
  return stack;
}

describe('EnvironmentBudget', () => {
  const template = Template.fromStack(build());

  test('is a monthly COST budget of the limit in USD', () => {
    template.hasResourceProperties('AWS::Budgets::Budget', {
      Budget: Match.objectLike({ BudgetType: 'COST', TimeUnit: 'MONTHLY', BudgetLimit: { Amount: 1500, Unit: 'USD' } }),
    });
  });

  test('counts only the cost tagged environment=dev', () => {
    template.hasResourceProperties('AWS::Budgets::Budget', {
      Budget: Match.objectLike({ CostFilters: { TagKeyValue: ['user:environment$dev'] } }),
    });
  });

  test('notifies at 80 % actual and 100 % forecasted spend', () => {
    template.hasResourceProperties('AWS::Budgets::Budget', {
      NotificationsWithSubscribers: [
        Match.objectLike({ Notification: { NotificationType: 'ACTUAL', ComparisonOperator: 'GREATER_THAN', Threshold: 80, ThresholdType: 'PERCENTAGE' } }),
        Match.objectLike({ Notification: { NotificationType: 'FORECASTED', ComparisonOperator: 'GREATER_THAN', Threshold: 100, ThresholdType: 'PERCENTAGE' } }),
      ],
    });
  });

  test('notifies the topic and each email address', () => {
    template.hasResourceProperties('AWS::Budgets::Budget', {
      NotificationsWithSubscribers: Match.arrayWith([Match.objectLike({
        Subscribers: [
          { SubscriptionType: 'SNS', Address: { Ref: Match.stringLikeRegexp('^BudgetTopic') } },
          { SubscriptionType: 'EMAIL', Address: 'ml-platform@example.com' },
        ],
      })]),
    });
  });

  test('encrypts the topic with a rotated customer key', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^BudgetTopicKey'), 'Arn'] } });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  test('the topic key allows grants only for AWS resources', () => {
    template.hasResourceProperties('AWS::KMS::Key', { KeyPolicy: { Statement: Match.arrayWith([DENY_NON_AWS_GRANTS]) } });
  });

  test('lets AWS Budgets of this account use the key', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({
        Principal: { Service: 'budgets.amazonaws.com' },
        Action: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      })]) },
    });
  });

  test('lets AWS Budgets of this account publish to the topic, over TLS only', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([
        Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        Match.objectLike({
          Principal: { Service: 'budgets.amazonaws.com' },
          Action: 'sns:Publish',
          Condition: Match.objectLike({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } }),
        }),
      ]) },
    });
  });

  test('creates the budget after the topic policy', () => {
    template.hasResource('AWS::Budgets::Budget', { DependsOn: Match.arrayWith([Match.stringLikeRegexp('^BudgetTopicPolicy')]) });
  });

  test('retains the key by default', () => {
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain' });
  });

  test('takes the removal policy of the key from props', () => {
    Template.fromStack(build({ removalPolicy: RemovalPolicy.DESTROY })).hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete' });
  });

  test('takes custom thresholds', () => {
    Template.fromStack(build({ actualThresholdPercent: 50 })).hasResourceProperties('AWS::Budgets::Budget', {
      NotificationsWithSubscribers: Match.arrayWith([Match.objectLike({ Notification: Match.objectLike({ NotificationType: 'ACTUAL', Threshold: 50 }) })]),
    });
  });

  test('rejects a limit <= 0', () => {
    expect(() => build({ monthlyLimitUsd: 0 })).toThrow(/monthlyLimitUsd \(0\) must be > 0/);
  });

  test('rejects an empty tag key', () => {
    expect(() => build({ costAllocationTag: { key: '', value: 'dev' } })).toThrow(/costAllocationTag.key is empty/);
  });

  test('rejects an empty tag value', () => {
    expect(() => build({ costAllocationTag: { key: 'environment', value: ' ' } })).toThrow(/costAllocationTag.value is empty/);
  });

  test('rejects an actual threshold <= 0', () => {
    expect(() => build({ actualThresholdPercent: 0 })).toThrow(/actualThresholdPercent \(0\) must be > 0/);
  });

  test('rejects a forecasted threshold <= 0', () => {
    expect(() => build({ forecastedThresholdPercent: -1 })).toThrow(/forecastedThresholdPercent \(-1\) must be > 0/);
  });

  test('rejects more than 10 email addresses', () => {
    const emails = Array.from({ length: 11 }, (_, i) => `user${i}@example.com`);
    expect(() => build({ notificationEmails: emails })).toThrow(/notificationEmails has 11 addresses: AWS Budgets notifies at most 10/);
  });
});
