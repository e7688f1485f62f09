import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { mergeConfig } from '../../lib/config';
import { dev } from '../../lib/config/dev';
import { DEFAULT_SERVICE } from '../../lib/stacks/service-names';
import { synthStage } from '../helpers/synth-stage';

const notifications = {
  emails: ['ml-oncall@example.com'],
  slackChannels: [{ workspaceId: 'T07EA123LEP', channelId: 'C07EZ1ABC23' }],
  teamsChannels: [{ tenantId: '1b2c3d4e-0000-4000-8000-1234567890ab', teamId: '74361522-da01-538d-aa2e-ac7918c6bb92', channelId: '19%3ab6ef35dc342d56ba5654e6fc6d25a071%40thread.tacv2' }],
};
const { stage, templates } = synthStage(mergeConfig(dev, { notifications }));
const ref = (topic: sns.ITopic) => ({ Ref: Stack.of(topic).getLogicalId(topic.node.defaultChild as sns.CfnTopic) });

/** Each stack's topic for people: the service's alarms, the idle shutdowns, the budget. */
const topics: Array<[string, string, sns.ITopic]> = [
  ['AiInference', 'the service\'s alarm topic', stage.inference.services[DEFAULT_SERVICE].fleet.notificationTopic],
  ['Training', 'the idle-shutdown topic', stage.training.idleShutdown.topic],
  ['Cost', 'the budget topic', stage.cost.budget.topic],
];

describe('one notifications setting reaches every stack', () => {
  test.each(topics)('%s: %s reaches the Slack channel', (stackId, _what, topic) => {
    templates[stackId].hasResourceProperties('AWS::Chatbot::SlackChannelConfiguration', {
      SlackWorkspaceId: 'T07EA123LEP', SlackChannelId: 'C07EZ1ABC23', SnsTopicArns: [ref(topic)],
    });
  });

  test.each(topics)('%s: %s reaches the Teams channel', (stackId, _what, topic) => {
    templates[stackId].hasResourceProperties('AWS::Chatbot::MicrosoftTeamsChannelConfiguration', {
      TeamId: notifications.teamsChannels[0].teamId, SnsTopicArns: [ref(topic)],
    });
  });

  test.each(topics.slice(0, 2))('%s: %s emails the address through SNS', (stackId, _what, topic) => {
    templates[stackId].hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ml-oncall@example.com', TopicArn: ref(topic) });
  });

  test('Cost: the budget emails the address itself at 80 % actual and 100 % forecasted, and its topic does not, so nobody gets it twice', () => {
    const subscribers = [{ SubscriptionType: 'SNS', Address: ref(stage.cost.budget.topic) }, { SubscriptionType: 'EMAIL', Address: 'ml-oncall@example.com' }];
    templates.Cost.hasResourceProperties('AWS::Budgets::Budget', {
      NotificationsWithSubscribers: [
        { Notification: Match.objectLike({ NotificationType: 'ACTUAL', Threshold: 80 }), Subscribers: subscribers },
        { Notification: Match.objectLike({ NotificationType: 'FORECASTED', Threshold: 100 }), Subscribers: subscribers },
      ],
    });
    templates.Cost.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  test.each(Object.keys(templates))('%s: no topic other than the people\'s one has a subscriber', (stackId) => {
    const mine = topics.filter(([id]) => id === stackId).map(([, , topic]) => ref(topic));
    const subscribed = Object.values(templates[stackId].findResources('AWS::SNS::Subscription')).map((s) => s.Properties.TopicArn);
    expect(subscribed.filter((arn) => !mine.some((m) => JSON.stringify(m) === JSON.stringify(arn)))).toEqual([]);
  });
});

describe('without notifications', () => {
  const { templates: quiet } = synthStage(mergeConfig(dev, { notifications: undefined }));

  test.each(Object.keys(quiet))('%s has no subscription and no chat channel', (stackId) => {
    const template: Template = quiet[stackId];
    for (const type of ['AWS::SNS::Subscription', 'AWS::Chatbot::SlackChannelConfiguration', 'AWS::Chatbot::MicrosoftTeamsChannelConfiguration']) {
      template.resourceCountIs(type, 0);
    }
  });
});
