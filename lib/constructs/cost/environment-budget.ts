import { Aws, RemovalPolicy } from 'aws-cdk-lib';
import { CfnBudget } from 'aws-cdk-lib/aws-budgets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { Defaults, withDefaults } from '../../defaults';
import { checkNotEmpty, checkPositive, throwIfProblems } from '../../validation';
import { denyGrantsToNonAwsServices } from '../security/deny-grants-to-non-aws-services';

/**
 * AWS Budgets takes at most 10 email subscribers per notification (plus one SNS topic):
 * https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_budgets_NotificationWithSubscribers.html
 */
export const MAX_BUDGET_EMAIL_SUBSCRIBERS = 10;

/** A cost allocation tag, as activated in the Billing console. */
export interface CostAllocationTag {
  /** Tag key, e.g. `environment`. */
  readonly key: string;
  /** Tag value, e.g. `dev`. */
  readonly value: string;
}

/** Props of {@link EnvironmentBudget}. */
export interface EnvironmentBudgetProps {
  /** Monthly cost limit in USD. */
  readonly monthlyLimitUsd: number;
  /** The budget counts only the cost of resources carrying this tag. */
  readonly costAllocationTag: CostAllocationTag;
  /**
   * Email addresses notified next to the SNS topic.
   * @default - none: only the topic is notified
   */
  readonly notificationEmails?: readonly string[];
  /**
   * Percentage of the limit actually spent that notifies.
   * @default 80
   */
  readonly actualThresholdPercent?: number;
  /**
   * Percentage of the limit forecasted for the month that notifies.
   * @default 100
   */
  readonly forecastedThresholdPercent?: number;
  /**
   * What happens to the topic's KMS key when it leaves the app.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** The defaults of {@link EnvironmentBudgetProps}. */
export const ENVIRONMENT_BUDGET_DEFAULTS: Defaults<Omit<EnvironmentBudgetProps, 'monthlyLimitUsd' | 'costAllocationTag'>> = {
  notificationEmails: [],
  actualThresholdPercent: 80,
  forecastedThresholdPercent: 100,
  removalPolicy: RemovalPolicy.RETAIN,
};

/**
 * A monthly COST budget filtered by one cost allocation tag, notifying an encrypted SNS topic
 * (and email subscribers) when actual spend passes actualThresholdPercent and when forecasted
 * spend passes forecastedThresholdPercent.
 * The tag must be activated once as a cost allocation tag in the Billing console.
 */
export class EnvironmentBudget extends Construct {
  /** The topic budget notifications go to: subscribe chat or paging here. */
  public readonly topic: sns.ITopic;
  /** The budget. */
  public readonly budget: CfnBudget;

  constructor(scope: Construct, id: string, props: EnvironmentBudgetProps) {
    super(scope, id);
    const { notificationEmails: emails, actualThresholdPercent: actual, forecastedThresholdPercent: forecasted, removalPolicy } = withDefaults(props, ENVIRONMENT_BUDGET_DEFAULTS);
    throwIfProblems(
      checkPositive('monthlyLimitUsd', props.monthlyLimitUsd),
      checkNotEmpty('costAllocationTag.key', props.costAllocationTag.key),
      checkNotEmpty('costAllocationTag.value', props.costAllocationTag.value),
      checkPositive('actualThresholdPercent', props.actualThresholdPercent),
      checkPositive('forecastedThresholdPercent', props.forecastedThresholdPercent),
      emails.length <= MAX_BUDGET_EMAIL_SUBSCRIBERS
        ? undefined
        : `notificationEmails has ${emails.length} addresses: AWS Budgets notifies at most ${MAX_BUDGET_EMAIL_SUBSCRIBERS}, use a mailing list or subscribe to the topic`,
    );

    const budgets = new iam.ServicePrincipal('budgets.amazonaws.com');
    const fromThisAccount = { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } };
    const key = new kms.Key(this, 'TopicKey', {
      description: `Encrypts the budget notifications of ${props.costAllocationTag.key}=${props.costAllocationTag.value}`,
      enableKeyRotation: true,
      removalPolicy,
    });
    key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowBudgetsToEncryptNotifications',
      principals: [budgets],
      actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
      resources: ['*'],
      conditions: fromThisAccount,
    }));
    // No principal hands its use of the key on through a grant (CT.KMS.PR.3).
    denyGrantsToNonAwsServices(key);
    const topic = new sns.Topic(this, 'Topic', { masterKey: key, enforceSSL: true });
    const { policyDependable } = topic.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowBudgetsToPublish',
      principals: [budgets],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: { ...fromThisAccount, ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:budgets::${Aws.ACCOUNT_ID}:*` } },
    }));
    this.topic = topic;

    const subscribers: CfnBudget.SubscriberProperty[] = [
      { subscriptionType: 'SNS', address: topic.topicArn },
      ...emails.map((address) => ({ subscriptionType: 'EMAIL', address })),
    ];
    const notify = (notificationType: 'ACTUAL' | 'FORECASTED', threshold: number): CfnBudget.NotificationWithSubscribersProperty => ({
      notification: { notificationType, comparisonOperator: 'GREATER_THAN', threshold, thresholdType: 'PERCENTAGE' },
      subscribers,
    });
    // L1 only: aws-cdk-lib has no L2 for AWS Budgets.
    this.budget = new CfnBudget(this, 'Budget', {
      budget: {
        budgetType: 'COST',
        timeUnit: 'MONTHLY',
        budgetLimit: { amount: props.monthlyLimitUsd, unit: 'USD' },
        costFilters: { TagKeyValue: [`user:${props.costAllocationTag.key}$${props.costAllocationTag.value}`] },
      },
      notificationsWithSubscribers: [notify('ACTUAL', actual), notify('FORECASTED', forecasted)],
    });
    if (policyDependable) this.budget.node.addDependency(policyDependable);
  }
}
