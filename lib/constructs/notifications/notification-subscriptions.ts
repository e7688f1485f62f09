import { Names, Validations } from 'aws-cdk-lib';
import * as chatbot from 'aws-cdk-lib/aws-chatbot';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { throwIfProblems } from '../../validation';
import { NotificationTargets, notificationTargetsProblems } from './notification-targets';

/** Props of {@link NotificationSubscriptions}. */
export interface NotificationSubscriptionsProps extends NotificationTargets {
  /** The topics whose messages reach the targets. */
  readonly topics: readonly sns.ITopic[];
  /**
   * Whether the emails subscribe to the topics. False where the publisher emails the addresses
   * itself (an AWS Budget's EMAIL subscribers), so nobody gets each message twice.
   * @default true
   */
  readonly subscribeEmails?: boolean;
}

/**
 * People subscribed to a stack's topics: an email subscription per address and topic (each
 * confirmed once from SNS's email), and one Amazon Q Developer in chat applications (formerly
 * AWS Chatbot) channel configuration per Slack or Teams channel, subscribed to every topic
 * (https://docs.aws.amazon.com/chatbot/latest/adminguide/what-is.html). The channels share one
 * role that can only read CloudWatch, AWS's notification permissions for alarm details, and the
 * same policy is their guardrail: nobody in the channel can do more through it.
 */
export class NotificationSubscriptions extends Construct {
  /** The chat channels' role, when there is a chat channel. */
  public readonly chatRole?: iam.Role;
  /** The Slack channel configurations, in the order of `slackChannels`. */
  public readonly slackChannels: chatbot.SlackChannelConfiguration[] = [];
  /** The Teams channel configurations, in the order of `teamsChannels`. */
  public readonly teamsChannels: chatbot.CfnMicrosoftTeamsChannelConfiguration[] = [];

  constructor(scope: Construct, id: string, props: NotificationSubscriptionsProps) {
    super(scope, id);
    throwIfProblems(...notificationTargetsProblems(props));
    const topics = props.topics;

    if (props.subscribeEmails ?? true) {
      for (const topic of topics) {
        for (const email of props.emails ?? []) topic.addSubscription(new subscriptions.EmailSubscription(email));
      }
    }

    const slack = props.slackChannels ?? [];
    const teams = props.teamsChannels ?? [];
    if (slack.length + teams.length === 0) return;

    // AWS's "Notification permissions" policy template for chat channels: reading CloudWatch
    // lets alarm notifications show their graphs (https://docs.aws.amazon.com/chatbot/latest/adminguide/chatbot-iam-policies.html).
    const policy = new iam.ManagedPolicy(this, 'ChatNotificationsPolicy', {
      description: 'Chat channels of the environment\'s notifications: read CloudWatch for alarm details, nothing else',
      statements: [new iam.PolicyStatement({ actions: ['cloudwatch:Describe*', 'cloudwatch:Get*', 'cloudwatch:List*'], resources: ['*'] })],
    });
    for (const finding of ['Action::cloudwatch:Describe*', 'Action::cloudwatch:Get*', 'Action::cloudwatch:List*', 'Resource::*']) {
      Validations.of(policy).acknowledge({
        id: `AwsSolutions-IAM5[${finding}]`,
        reason: 'AWS\'s notification permissions template for Amazon Q Developer in chat applications: read-only CloudWatch access to render alarm notifications; the alarms are named only at run time, and CloudWatch reads take no narrower resource.',
      });
    }
    const role = new iam.Role(this, 'ChatRole', {
      assumedBy: new iam.ServicePrincipal('chatbot.amazonaws.com'),
      description: 'Amazon Q Developer in chat applications: posts the environment\'s notifications, reads CloudWatch for them',
      managedPolicies: [policy],
    });
    this.chatRole = role;

    slack.forEach((channel, n) => {
      const configuration = new chatbot.SlackChannelConfiguration(this, `Slack${n}`, {
        slackChannelConfigurationName: Names.uniqueResourceName(this, { maxLength: 120 }) + `Slack${n}`,
        slackWorkspaceId: channel.workspaceId,
        slackChannelId: channel.channelId,
        role,
        guardrailPolicies: [policy],
        notificationTopics: [...topics],
      });
      this.slackChannels.push(configuration);
    });
    teams.forEach((channel, n) => {
      // L1: aws-cdk-lib has no L2 for Microsoft Teams channel configurations.
      this.teamsChannels.push(new chatbot.CfnMicrosoftTeamsChannelConfiguration(this, `Teams${n}`, {
        configurationName: Names.uniqueResourceName(this, { maxLength: 120 }) + `Teams${n}`,
        teamsTenantId: channel.tenantId,
        teamId: channel.teamId,
        teamsChannelId: channel.channelId,
        iamRoleArn: role.roleArn,
        guardrailPolicies: [policy.managedPolicyArn],
        snsTopicArns: topics.map((t) => t.topicArn),
        loggingLevel: 'NONE',
      }));
    });
  }
}
