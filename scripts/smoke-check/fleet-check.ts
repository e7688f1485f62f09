import { AutoScalingClient, DescribeAutoScalingGroupsCommand, DescribeScheduledActionsCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeTargetHealthCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { Outcome, fail, pass } from './check-result';

/** What the deployed template promises of the inference fleet. */
export interface FleetExpectation {
  /** Reads the group's MinSize in the deployed template (instances it keeps whatever the queue), when the fleet is at 0. */
  readonly templateMinSize: () => Promise<number>;
  /** Why the template's MinSize is what it is, when the config explains it (e.g. the model is not published). */
  readonly reason?: string;
}

/**
 * The inference fleet serves: its target group has a healthy target, or the fleet is at 0 on
 * purpose: its template's MinSize is 0 (a queued job wakes it), or a scheduled action has set
 * it to 0 for the night. A fleet at 0 that its template wants above 0, with no schedule to
 * explain it, fails, as does a fleet that wants instances and has no healthy one.
 */
export async function checkFleet(
  elbv2: ElasticLoadBalancingV2Client,
  autoScaling: AutoScalingClient,
  targetGroupArn: string,
  autoScalingGroupName: string,
  expected: FleetExpectation,
): Promise<Outcome> {
  const { TargetHealthDescriptions: targets = [] } = await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }));
  const healthy = targets.filter((t) => t.TargetHealth?.State === 'healthy').length;
  if (healthy > 0) {
    return pass(`${healthy} of ${targets.length} targets healthy`);
  }

  const { AutoScalingGroups: groups = [] } = await autoScaling.send(
    new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [autoScalingGroupName] }),
  );
  const group = groups[0];
  if (!group) {
    return fail(`no healthy target, and the Auto Scaling group ${autoScalingGroupName} does not exist`);
  }
  const states = targets.map((t) => `${t.Target?.Id} ${t.TargetHealth?.State}`).join(', ') || 'no targets';
  if (group.DesiredCapacity !== 0 || group.MinSize !== 0) {
    return fail(`no healthy target (${states}) while the group wants ${group.DesiredCapacity} instances (min ${group.MinSize})`);
  }
  const templateMinSize = await expected.templateMinSize();
  if (templateMinSize === 0) {
    const reason = expected.reason ? ` (${expected.reason})` : '';
    return pass(`fleet at 0, as its template's MinSize 0 allows${reason}: a queued job wakes it`);
  }
  const { ScheduledUpdateGroupActions: actions = [] } = await autoScaling.send(
    new DescribeScheduledActionsCommand({ AutoScalingGroupName: autoScalingGroupName }),
  );
  return actions.length > 0
    ? pass(`fleet at 0 under its schedule (${actions.map((a) => a.ScheduledActionName).join(', ')})`)
    : fail(`fleet at 0 while its template's MinSize is ${templateMinSize}, and no scheduled action explains it: something set it to 0 outside the deploy`);
}
