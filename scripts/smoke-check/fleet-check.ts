import { AutoScalingClient, DescribeAutoScalingGroupsCommand, DescribeScheduledActionsCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeTargetHealthCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { Outcome, fail, pass } from './check-result';

/**
 * The inference fleet serves: its target group has a healthy target, or the fleet is at 0 on
 * purpose (desired and minimum 0, with the scheduled actions that scale it back up).
 */
export async function checkFleet(
  elbv2: ElasticLoadBalancingV2Client,
  autoScaling: AutoScalingClient,
  targetGroupArn: string,
  autoScalingGroupName: string,
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
  const { ScheduledUpdateGroupActions: actions = [] } = await autoScaling.send(
    new DescribeScheduledActionsCommand({ AutoScalingGroupName: autoScalingGroupName }),
  );
  return actions.length > 0
    ? pass(`fleet at 0 under its schedule (${actions.map((a) => a.ScheduledActionName).join(', ')})`)
    : fail('fleet at 0 with no scheduled action to bring it back: nothing will serve requests');
}
