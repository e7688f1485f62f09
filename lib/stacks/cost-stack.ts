import { CfnOutput, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { EnvironmentConfig } from '../config/environment-config';
import { ENVIRONMENT_BUDGET_DEFAULTS, EnvironmentBudget } from '../constructs/cost/environment-budget';
import { NotificationSubscriptions } from '../constructs/notifications/notification-subscriptions';
import { NotificationTargets } from '../constructs/notifications/notification-targets';

/** What {@link CostStack} takes from the environment's config. */
export interface CostSettings {
  /** The environment's name: the budget counts the cost tagged `environment=<name>`. */
  readonly environmentName: string;
  /** Monthly limit in USD. */
  readonly monthlyLimitUsd: number;
  /** Who hears the budget: its emails directly, its chat channels through the topic. */
  readonly notifications: NotificationTargets;
  /** What happens to the topic's key when it leaves the app. */
  readonly removalPolicy: RemovalPolicy;
}

/** Props of {@link CostStack}. */
export interface CostStackProps extends StackProps, CostSettings {}

/** The config's budget settings. */
export function costSettingsOf(config: EnvironmentConfig): CostSettings {
  return { environmentName: config.name, monthlyLimitUsd: config.budget.monthlyLimitUsd, notifications: config.notifications ?? {}, removalPolicy: config.removalPolicy };
}

/** The environment's monthly budget on the spend tagged `environment=<name>`. */
export class CostStack extends Stack {
  /** The budget and its notification topic. */
  public readonly budget: EnvironmentBudget;
  /** The chat channels of the budget topic. */
  public readonly notifications: NotificationSubscriptions;

  constructor(scope: Construct, id: string, props: CostStackProps) {
    super(scope, id, props);
    this.budget = new EnvironmentBudget(this, 'Budget', {
      monthlyLimitUsd: props.monthlyLimitUsd,
      costAllocationTag: { key: 'environment', value: props.environmentName },
      notificationEmails: props.notifications.emails,
      removalPolicy: props.removalPolicy,
    });
    // The budget emails the addresses itself; the topic brings its notifications to the chat channels.
    this.notifications = new NotificationSubscriptions(this, 'Notifications', {
      ...props.notifications,
      topics: [this.budget.topic],
      subscribeEmails: false,
    });
    new CfnOutput(this, 'BudgetTopicArn', {
      value: this.budget.topic.topicArn,
      description: `SNS topic of the budget notifications (${ENVIRONMENT_BUDGET_DEFAULTS.actualThresholdPercent} % actual, ${ENVIRONMENT_BUDGET_DEFAULTS.forecastedThresholdPercent} % forecasted); config notifications reach it`,
    });
  }
}
