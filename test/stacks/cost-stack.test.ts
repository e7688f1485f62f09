import { Match } from 'aws-cdk-lib/assertions';
import { dev } from '../../lib/config/dev';
import { prod } from '../../lib/config/prod';
import { synthStage } from '../helpers/synth-stage';

describe('Cost stack of dev', () => {
  const template = synthStage(dev).templates.Cost;

  test('has one budget', () => {
    template.resourceCountIs('AWS::Budgets::Budget', 1);
  });

  test('limits the month to the config budget', () => {
    template.hasResourceProperties('AWS::Budgets::Budget', {
      Budget: Match.objectLike({ BudgetLimit: { Amount: dev.budget.monthlyLimitUsd, Unit: 'USD' } }),
    });
  });

  test('filters by the environment tag', () => {
    template.hasResourceProperties('AWS::Budgets::Budget', {
      Budget: Match.objectLike({ CostFilters: { TagKeyValue: ['user:environment$dev'] } }),
    });
  });

  test('outputs the topic ARN', () => {
    template.hasOutput('BudgetTopicArn', { Value: { Ref: Match.stringLikeRegexp('^BudgetTopic') } });
  });

  test('keeps the logical ids of the budget, its topic and its key', () => {
    expect(Object.keys(template.findResources('AWS::Budgets::Budget'))).toEqual(['BudgetED13AE41']);
    expect(Object.keys(template.findResources('AWS::SNS::Topic'))).toEqual(['BudgetTopicB13A99DF']);
    expect(Object.keys(template.findResources('AWS::KMS::Key'))).toEqual(['BudgetTopicKey5BE6B774']);
  });
});

describe('Cost stack of prod', () => {
  const template = synthStage(prod).templates.Cost;

  test('retains the topic key', () => {
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain' });
  });

  test('limits the month to the prod budget', () => {
    template.hasResourceProperties('AWS::Budgets::Budget', {
      Budget: Match.objectLike({ BudgetLimit: { Amount: prod.budget.monthlyLimitUsd, Unit: 'USD' } }),
    });
  });
});
