import { Token } from 'aws-cdk-lib';
import { Problem, checkNoDuplicates } from '../../validation';
import { MAX_BUDGET_EMAIL_SUBSCRIBERS } from '../cost/environment-budget';

/**
 * A Slack channel that Amazon Q Developer in chat applications (formerly AWS Chatbot) posts
 * to. The workspace must be authorized once in its console (Configure new client > Slack).
 */
export interface SlackChannel {
  /** The workspace (team) id, e.g. `T07EA123LEP`: the console shows it after the authorization. */
  readonly workspaceId: string;
  /** The channel id, e.g. `C07EZ1ABC23`: the end of the channel's link (Copy link). */
  readonly channelId: string;
}

/**
 * A Microsoft Teams channel that Amazon Q Developer in chat applications posts to. The team must
 * be authorized once in its console (Configure new client > Microsoft Teams).
 */
export interface TeamsChannel {
  /** The Microsoft Entra tenant id, a UUID. */
  readonly tenantId: string;
  /** The team id, a UUID: the console shows it after the authorization. */
  readonly teamId: string;
  /** The channel id from the channel's link, URL-encoded as in it, e.g. `19%3ab6ef35dc342d56ba5654e6fc6d25a071%40thread.tacv2`. */
  readonly channelId: string;
}

/** Who hears an environment's alarms, budget notifications and idle shutdowns. */
export interface NotificationTargets {
  /**
   * Email addresses. Each confirms every topic's subscription once, from the email SNS sends;
   * the budget emails them directly, which takes at most 10.
   * @default - no email
   */
  readonly emails?: readonly string[];
  /**
   * Slack channels, through Amazon Q Developer in chat applications.
   * @default - no Slack channel
   */
  readonly slackChannels?: readonly SlackChannel[];
  /**
   * Microsoft Teams channels, through Amazon Q Developer in chat applications.
   * @default - no Teams channel
   */
  readonly teamsChannels?: readonly TeamsChannel[];
}

const UUID = /^[0-9A-Fa-f]{8}(-[0-9A-Fa-f]{4}){3}-[0-9A-Fa-f]{12}$/;

/**
 * The identifiers' patterns are those of the Amazon Q Developer in chat applications API
 * (https://docs.aws.amazon.com/chatbot/latest/APIReference/API_SlackWorkspace.html,
 * API_SlackChannelConfiguration.html, API_CreateMicrosoftTeamsChannelConfiguration.html): a
 * value CloudFormation would refuse at deploy fails the synth instead.
 */
function checkPattern(field: string, value: string, pattern: RegExp, what: string): Problem {
  if (Token.isUnresolved(value) || pattern.test(value)) return undefined;
  return `${field} ("${value}") must be ${what}`;
}

/** The rules of {@link NotificationTargets}, each problem naming its field. */
export function notificationTargetsProblems(targets: NotificationTargets): Problem[] {
  const emails = targets.emails ?? [];
  const slack = targets.slackChannels ?? [];
  const teams = targets.teamsChannels ?? [];
  return [
    // https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_budgets_NotificationWithSubscribers.html
    emails.length <= MAX_BUDGET_EMAIL_SUBSCRIBERS
      ? undefined
      : `emails has ${emails.length} addresses: AWS Budgets emails at most ${MAX_BUDGET_EMAIL_SUBSCRIBERS} per notification; use a mailing list or a chat channel`,
    checkNoDuplicates('emails', emails),
    ...emails.map((email, n) => checkPattern(`emails[${n}]`, email, /^[^@\s]+@[^@\s]+\.[^@\s]+$/, 'an email address, e.g. "ml-oncall@example.com"')),
    checkNoDuplicates('slackChannels', slack.map((c) => `${c.workspaceId}/${c.channelId}`)),
    ...slack.flatMap((c, n) => [
      checkPattern(`slackChannels[${n}].workspaceId`, c.workspaceId, /^[0-9A-Z]{1,255}$/, 'a Slack workspace id of capital letters and digits, e.g. "T07EA123LEP"'),
      checkPattern(`slackChannels[${n}].channelId`, c.channelId, /^[A-Za-z0-9]{1,255}$/, 'a Slack channel id of letters and digits, e.g. "C07EZ1ABC23", not the channel\'s name'),
    ]),
    checkNoDuplicates('teamsChannels', teams.map((c) => `${c.teamId}/${c.channelId}`)),
    ...teams.flatMap((c, n) => [
      checkPattern(`teamsChannels[${n}].tenantId`, c.tenantId, UUID, 'a Microsoft Entra tenant id, a UUID'),
      checkPattern(`teamsChannels[${n}].teamId`, c.teamId, UUID, 'a Microsoft Teams team id, a UUID'),
      checkPattern(
        `teamsChannels[${n}].channelId`, c.channelId, /^[a-zA-Z0-9-_=+/.,]*%3[aA][a-zA-Z0-9-_=+/.,]*%40[a-zA-Z0-9-_=+/.,]*$/,
        'a Teams channel id URL-encoded as in its link, e.g. "19%3ab6ef35dc342d56ba5654e6fc6d25a071%40thread.tacv2"',
      ),
    ]),
  ];
}
