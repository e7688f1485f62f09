import { CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { EnvironmentConfig } from '../config';
import { EnvironmentBudget } from '../constructs/cost/environment-budget';

/** Props of {@link CostStack}. */
export interface CostStackProps extends StackProps {
  /** The environment the stack belongs to. */
  readonly config: EnvironmentConfig;
}

/** The environment's monthly budget on the spend tagged `environment=<name>`. */
export class CostStack extends Stack {
  /** The budget and its notification topic. */
  public readonly budget: EnvironmentBudget;

  constructor(scope: Construct, id: string, props: CostStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.budget = new EnvironmentBudget(this, 'Budget', {
      monthlyLimitUsd: config.budget.monthlyLimitUsd,
      costAllocationTag: { key: 'environment', value: config.name },
      notificationEmails: config.budget.notificationEmails,
      removalPolicy: config.removalPolicy,
    });
    new CfnOutput(this, 'BudgetTopicArn', {
      value: this.budget.topic.topicArn,
      description: 'SNS topic of the budget notifications (80 % actual, 100 % forecasted): subscribe chat or paging to it',
    });
  }
}
