import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ControlTowerChecks } from '../../../lib/compliance/control-tower-checks';
import { NotificationSubscriptions, NotificationSubscriptionsProps } from '../../../lib/constructs/notifications/notification-subscriptions';
import { synthWithNag } from '../../helpers/nag';

const SLACK = { workspaceId: 'T07EA123LEP', channelId: 'C07EZ1ABC23' };
const TEAMS = { tenantId: '1b2c3d4e-0000-4000-8000-1234567890ab', teamId: '74361522-da01-538d-aa2e-ac7918c6bb92', channelId: '19%3ab6ef35dc342d56ba5654e6fc6d25a071%40thread.tacv2' };
const EVERYONE = { emails: ['ml-oncall@example.com', 'platform@example.com'], slackChannels: [SLACK], teamsChannels: [TEAMS] };

/** A stack with two topics and the subscriptions, and its template. */
function build(props: Partial<NotificationSubscriptionsProps> = {}) {
  const stack = new Stack(new App(), 'Test');
  const topics = [new sns.Topic(stack, 'Alarms', { enforceSSL: true }), new sns.Topic(stack, 'Reports', { enforceSSL: true })];
  const notifications = new NotificationSubscriptions(stack, 'Notifications', { topics, ...props });
  return { stack, topics, notifications, template: Template.fromStack(stack) };
}

const topicRef = (stack: Stack, topic: sns.ITopic) => ({ Ref: stack.getLogicalId(topic.node.defaultChild as sns.CfnTopic) });

describe('NotificationSubscriptions', () => {
  const { stack, topics, template } = build(EVERYONE);

  test.each(EVERYONE.emails)('subscribes %s to every topic', (email) => {
    for (const topic of topics) {
      template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: email, TopicArn: topicRef(stack, topic) });
    }
    template.resourcePropertiesCountIs('AWS::SNS::Subscription', { Endpoint: email }, topics.length);
  });

  test('one Slack channel configuration, subscribed to every topic, with the chat role and its guardrail', () => {
    template.resourceCountIs('AWS::Chatbot::SlackChannelConfiguration', 1);
    template.hasResourceProperties('AWS::Chatbot::SlackChannelConfiguration', {
      SlackWorkspaceId: SLACK.workspaceId,
      SlackChannelId: SLACK.channelId,
      SnsTopicArns: topics.map((t) => topicRef(stack, t)),
      IamRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^NotificationsChatRole'), 'Arn'] },
      GuardrailPolicies: [{ Ref: Match.stringLikeRegexp('^NotificationsChatNotificationsPolicy') }],
      ConfigurationName: Match.stringLikeRegexp('^[A-Za-z0-9-_]{1,128}$'),
    });
  });

  test('one Teams channel configuration, subscribed to every topic, with the chat role and its guardrail', () => {
    template.resourceCountIs('AWS::Chatbot::MicrosoftTeamsChannelConfiguration', 1);
    template.hasResourceProperties('AWS::Chatbot::MicrosoftTeamsChannelConfiguration', {
      TeamsTenantId: TEAMS.tenantId,
      TeamId: TEAMS.teamId,
      TeamsChannelId: TEAMS.channelId,
      SnsTopicArns: topics.map((t) => topicRef(stack, t)),
      IamRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^NotificationsChatRole'), 'Arn'] },
      GuardrailPolicies: [{ Ref: Match.stringLikeRegexp('^NotificationsChatNotificationsPolicy') }],
      ConfigurationName: Match.stringLikeRegexp('^[A-Za-z0-9-_]{1,128}$'),
    });
  });

  test('the chat role is assumed by the chat service and can only read CloudWatch', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'chatbot.amazonaws.com' } })] },
      ManagedPolicyArns: [{ Ref: Match.stringLikeRegexp('^NotificationsChatNotificationsPolicy') }],
    });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: [{ Effect: 'Allow', Action: ['cloudwatch:Describe*', 'cloudwatch:Get*', 'cloudwatch:List*'], Resource: '*' }] },
    });
    template.resourceCountIs('AWS::IAM::Policy', 0);
  });

  test('the chat configurations of two stacks (environments) in one account have different names', () => {
    const app = new App();
    const stacks = ['DevTraining', 'ProdTraining'].map((id) => {
      const stack = new Stack(app, id);
      new NotificationSubscriptions(stack, 'Notifications', { topics: [new sns.Topic(stack, 'T')], slackChannels: [SLACK] });
      return stack;
    });
    const names = stacks.map((stack) => Object.values(Template.fromStack(stack).findResources('AWS::Chatbot::SlackChannelConfiguration'))[0].Properties.ConfigurationName);
    expect(new Set(names).size).toBe(2);
  });
});

describe('NotificationSubscriptions where the publisher emails the addresses itself', () => {
  const { template } = build({ ...EVERYONE, subscribeEmails: false });

  test('subscribes no email, still the chat channels', () => {
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    template.resourceCountIs('AWS::Chatbot::SlackChannelConfiguration', 1);
    template.resourceCountIs('AWS::Chatbot::MicrosoftTeamsChannelConfiguration', 1);
  });
});

describe('NotificationSubscriptions without targets', () => {
  const { template } = build();

  test.each(['AWS::SNS::Subscription', 'AWS::Chatbot::SlackChannelConfiguration', 'AWS::Chatbot::MicrosoftTeamsChannelConfiguration', 'AWS::IAM::Role'])(
    'creates no %s', (type) => {
      template.resourceCountIs(type, 0);
    },
  );
});

describe('NotificationSubscriptions under AWS Solutions and the Control Tower controls', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'notifications-'));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));
  const app = new App({ outdir });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ControlTowerChecks());
  const stack = new Stack(app, 'Test');
  new NotificationSubscriptions(stack, 'Notifications', { ...EVERYONE, topics: [new sns.Topic(stack, 'Alarms', { enforceSSL: true })] });
  const result = synthWithNag(app);

  test('has no finding: the chat role\'s read-only CloudWatch wildcards are acknowledged one by one', () => {
    expect([result.error, result.findings]).toEqual([undefined, []]);
  });
});

describe('NotificationSubscriptions validation', () => {
  test.each([
    [{ emails: ['oncall'] }, /emails\[0\] \("oncall"\) must be an email address/],
    [{ emails: ['a@b.io', 'a@b.io'] }, /emails lists "a@b\.io" twice/],
    [{ emails: Array.from({ length: 11 }, (_, n) => `p${n}@b.io`) }, /emails has 11 addresses: AWS Budgets emails at most 10 per notification/],
    [{ slackChannels: [{ ...SLACK, workspaceId: 't07ea123lep' }] }, /slackChannels\[0\]\.workspaceId \("t07ea123lep"\) must be a Slack workspace id of capital letters and digits/],
    [{ slackChannels: [{ ...SLACK, channelId: '#ml-alerts' }] }, /slackChannels\[0\]\.channelId \("#ml-alerts"\) must be a Slack channel id of letters and digits/],
    [{ slackChannels: [SLACK, SLACK] }, /slackChannels lists "T07EA123LEP\/C07EZ1ABC23" twice/],
    [{ teamsChannels: [{ ...TEAMS, tenantId: 'contoso.onmicrosoft.com' }] }, /teamsChannels\[0\]\.tenantId \("contoso\.onmicrosoft\.com"\) must be a Microsoft Entra tenant id, a UUID/],
    [{ teamsChannels: [{ ...TEAMS, teamId: 'ml-team' }] }, /teamsChannels\[0\]\.teamId \("ml-team"\) must be a Microsoft Teams team id, a UUID/],
    [{ teamsChannels: [{ ...TEAMS, channelId: '19:b6ef35dc342d56ba5654e6fc6d25a071@thread.tacv2' }] }, /teamsChannels\[0\]\.channelId \("19:b6ef.*"\) must be a Teams channel id URL-encoded as in its link/],
    [{ teamsChannels: [TEAMS, TEAMS] }, /teamsChannels lists ".*" twice/],
  ] as Array<[Partial<NotificationSubscriptionsProps>, RegExp]>)('rejects %o', (props, message) => {
    expect(() => build(props)).toThrow(message);
  });
});
