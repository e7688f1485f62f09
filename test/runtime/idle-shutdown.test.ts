import { AutoScalingClient, SetDesiredCapacityCommand } from '@aws-sdk/client-auto-scaling';
import { EC2Client, ModifyFleetCommand } from '@aws-sdk/client-ec2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { CloudWatchAlarmEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { autoScaling, ec2, handler, MAX_ATTEMPTS, sns } from '../../lib/runtime/idle-shutdown';

const autoScalingMock = mockClient(AutoScalingClient);
const ec2Mock = mockClient(EC2Client);
const snsMock = mockClient(SNSClient);

const GROUP = 'dev-Training-ClusterAutoScalingGroup-ABC';
const FLEET = 'fleet-0123456789abcdef0';
const TOPIC = 'arn:aws:sns:eu-central-1:123456789012:idle-shutdown';

function alarmEvent(state: 'ALARM' | 'OK' | 'INSUFFICIENT_DATA'): CloudWatchAlarmEvent {
  return {
    source: 'aws.cloudwatch',
    alarmArn: 'arn:aws:cloudwatch:eu-central-1:123456789012:alarm:gpu-idle',
    accountId: '123456789012',
    time: '2025-01-01T00:00:00.000+0000',
    region: 'eu-central-1',
    alarmData: {
      alarmName: 'gpu-idle',
      state: { value: state, reason: 'Threshold Crossed', timestamp: '2025-01-01T00:00:00.000+0000' },
      previousState: { value: 'OK', reason: '', timestamp: '2025-01-01T00:00:00.000+0000' },
      configuration: { metrics: [] },
    },
  };
}

/** An SDK service error as the clients reject with it. */
function serviceError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: {} });
}

beforeEach(() => {
  autoScalingMock.reset();
  ec2Mock.reset();
  snsMock.reset();
  autoScalingMock.on(SetDesiredCapacityCommand).resolves({});
  ec2Mock.on(ModifyFleetCommand).resolves({ Return: true });
  snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
  process.env.AUTO_SCALING_GROUP_NAME = GROUP;
  process.env.FLEET_ID = FLEET;
  process.env.TOPIC_ARN = TOPIC;
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
});

afterEach(() => jest.restoreAllMocks());

describe('on ALARM', () => {
  test('sets the Auto Scaling group desired capacity to 0, without honouring the cooldown', async () => {
    await handler(alarmEvent('ALARM'));
    expect(autoScalingMock.commandCalls(SetDesiredCapacityCommand).map((c) => c.args[0].input)).toEqual([
      { AutoScalingGroupName: GROUP, DesiredCapacity: 0, HonorCooldown: false },
    ]);
  });

  test("sets the fleet's total target capacity to 0", async () => {
    await handler(alarmEvent('ALARM'));
    expect(ec2Mock.commandCalls(ModifyFleetCommand).map((c) => c.args[0].input)).toEqual([
      { FleetId: FLEET, TargetCapacitySpecification: { TotalTargetCapacity: 0 } },
    ]);
  });

  test('publishes one report to the topic after both steps', async () => {
    await handler(alarmEvent('ALARM'));
    const publishes = snsMock.commandCalls(PublishCommand).map((c) => c.args[0].input);
    expect(publishes).toHaveLength(1);
    expect(publishes[0]).toMatchObject({ TopicArn: TOPIC, Subject: 'Idle training capacity shut down' });
    expect(JSON.parse(publishes[0].Message ?? '')).toEqual({
      alarmName: 'gpu-idle',
      autoScalingGroupName: GROUP,
      fleetId: FLEET,
      steps: { autoScalingGroup: 'stopped', fleet: 'stopped' },
    });
  });

  test('makes no other AWS calls', async () => {
    await handler(alarmEvent('ALARM'));
    expect([autoScalingMock.calls().length, ec2Mock.calls().length, snsMock.calls().length]).toEqual([1, 1, 1]);
  });
});

test.each(['OK', 'INSUFFICIENT_DATA'] as const)('does nothing when the alarm state is %s', async (state) => {
  await expect(handler(alarmEvent(state))).resolves.toBeUndefined();
  expect([autoScalingMock.calls().length, ec2Mock.calls().length, snsMock.calls().length]).toEqual([0, 0, 0]);
});

describe('failures are reported, never swallowed', () => {
  test('a missing Auto Scaling group fails the invocation and is reported on the topic', async () => {
    autoScalingMock.on(SetDesiredCapacityCommand).rejects(serviceError('ValidationError', `AutoScalingGroup name not found - ${GROUP}`));
    await expect(handler(alarmEvent('ALARM'))).rejects.toThrow(/idle shutdown failed: .*autoScalingGroup.*ValidationError: AutoScalingGroup name not found/);
    const message = JSON.parse(snsMock.commandCalls(PublishCommand)[0].args[0].input.Message ?? '');
    expect(message.steps).toEqual({ autoScalingGroup: `failed: ValidationError: AutoScalingGroup name not found - ${GROUP}`, fleet: 'stopped' });
  });

  test('a missing Auto Scaling group does not keep the fleet running', async () => {
    autoScalingMock.on(SetDesiredCapacityCommand).rejects(serviceError('ValidationError', 'AutoScalingGroup name not found'));
    await expect(handler(alarmEvent('ALARM'))).rejects.toThrow();
    expect(ec2Mock.commandCalls(ModifyFleetCommand)).toHaveLength(1);
  });

  test('a missing fleet fails the invocation with a FAILED subject', async () => {
    ec2Mock.on(ModifyFleetCommand).rejects(serviceError('InvalidFleetId.NotFound', `The fleet ID '${FLEET}' does not exist`));
    await expect(handler(alarmEvent('ALARM'))).rejects.toThrow(/InvalidFleetId\.NotFound/);
    expect(snsMock.commandCalls(PublishCommand)[0].args[0].input.Subject).toBe('Idle training shutdown FAILED');
  });

  test('throttling that outlasts the SDK retries fails the invocation', async () => {
    ec2Mock.on(ModifyFleetCommand).rejects(serviceError('RequestLimitExceeded', 'Request limit exceeded.'));
    await expect(handler(alarmEvent('ALARM'))).rejects.toThrow(/RequestLimitExceeded/);
  });

  test('a failed publish fails the invocation', async () => {
    snsMock.on(PublishCommand).rejects(serviceError('NotFound', 'Topic does not exist'));
    await expect(handler(alarmEvent('ALARM'))).rejects.toThrow(/Topic does not exist/);
  });

  test('a missing environment variable fails before any call', async () => {
    delete process.env.FLEET_ID;
    await expect(handler(alarmEvent('ALARM'))).rejects.toThrow(/environment variable FLEET_ID is not set/);
    expect(autoScalingMock.calls()).toHaveLength(0);
  });
});

test.each([
  ['Auto Scaling', autoScaling],
  ['EC2', ec2],
  ['SNS', sns],
] as const)('the %s client retries throttling in standard mode, MAX_ATTEMPTS times', async (_name, client) => {
  const strategy = await client.config.retryStrategy();
  expect({ mode: 'mode' in strategy ? strategy.mode : undefined, maxAttempts: await client.config.maxAttempts() }).toEqual({ mode: 'standard', maxAttempts: MAX_ATTEMPTS });
});
