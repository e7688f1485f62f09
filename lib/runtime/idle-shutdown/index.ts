import { AutoScalingClient, SetDesiredCapacityCommand } from '@aws-sdk/client-auto-scaling';
import { EC2Client, ModifyFleetCommand } from '@aws-sdk/client-ec2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { CloudWatchAlarmEvent } from 'aws-lambda';

/**
 * Idle shutdown of a training cluster, invoked by the GPU utilization alarm: sets the cluster's
 * Auto Scaling group to 0 and the spot EC2 Fleet's target capacity to 0, then reports what it
 * did on the SNS topic. Throttling is retried by the SDK (standard mode, `MAX_ATTEMPTS`); a step
 * that still fails (e.g. a missing group or fleet) does not stop the other, is reported on the
 * topic and fails the invocation, so Lambda retries it and finally sends it to the DLQ.
 *
 * Environment: AUTO_SCALING_GROUP_NAME, FLEET_ID, TOPIC_ARN.
 */

/** Attempts per AWS call, including the first; the SDK backs off between them. */
export const MAX_ATTEMPTS = 5;

export const autoScaling = new AutoScalingClient({ maxAttempts: MAX_ATTEMPTS, retryMode: 'standard' });
export const ec2 = new EC2Client({ maxAttempts: MAX_ATTEMPTS, retryMode: 'standard' });
export const sns = new SNSClient({ maxAttempts: MAX_ATTEMPTS, retryMode: 'standard' });

/** What the handler did, as published on the topic. */
export interface ShutdownReport {
  readonly alarmName: string;
  readonly autoScalingGroupName: string;
  readonly fleetId: string;
  /** One line per step: `stopped` or the error that stopped it. */
  readonly steps: Record<'autoScalingGroup' | 'fleet', string>;
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`environment variable ${name} is not set: the IdleShutdown construct sets it`);
  }
  return value;
}

async function step(action: () => Promise<unknown>): Promise<string | Error> {
  try {
    await action();
    return 'stopped';
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

export async function handler(event: CloudWatchAlarmEvent): Promise<ShutdownReport | undefined> {
  if (event.alarmData.state.value !== 'ALARM') {
    console.log(`alarm ${event.alarmData.alarmName} is ${event.alarmData.state.value}: nothing to shut down`);
    return undefined;
  }
  const autoScalingGroupName = requiredEnv('AUTO_SCALING_GROUP_NAME');
  const fleetId = requiredEnv('FLEET_ID');
  const topicArn = requiredEnv('TOPIC_ARN');

  const [groupResult, fleetResult] = await Promise.all([
    step(() =>
      autoScaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: autoScalingGroupName, DesiredCapacity: 0, HonorCooldown: false })),
    ),
    step(() => ec2.send(new ModifyFleetCommand({ FleetId: fleetId, TargetCapacitySpecification: { TotalTargetCapacity: 0 } }))),
  ]);
  const describe = (result: string | Error) => (result instanceof Error ? `failed: ${result.name}: ${result.message}` : result);
  const report: ShutdownReport = {
    alarmName: event.alarmData.alarmName,
    autoScalingGroupName,
    fleetId,
    steps: { autoScalingGroup: describe(groupResult), fleet: describe(fleetResult) },
  };
  const failures = [groupResult, fleetResult].filter((r): r is Error => r instanceof Error);

  await sns.send(
    new PublishCommand({
      TopicArn: topicArn,
      Subject: failures.length === 0 ? 'Idle training capacity shut down' : 'Idle training shutdown FAILED',
      Message: JSON.stringify(report, undefined, 2),
    }),
  );
  console.log(JSON.stringify(report));

  if (failures.length > 0) {
    throw new AggregateError(failures, `idle shutdown failed: ${JSON.stringify(report.steps)}`);
  }
  return report;
}
