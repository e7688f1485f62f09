import { CfnResource } from 'aws-cdk-lib';
import { CfnAutoScalingGroup, CfnScalingPolicy } from 'aws-cdk-lib/aws-autoscaling';
import { CfnAlarm } from 'aws-cdk-lib/aws-cloudwatch';
import { CfnRole } from 'aws-cdk-lib/aws-iam';
import { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { GpuFleetResource, logicalIdOf, referencedLogicalIds, referencedResource, references, resolved, resourcesInStackOf } from '../resource-lookup';
import { roleAllows } from './role-allows';
import { scalingPolicyRemovesCapacity } from './scaling-policy-removes-capacity';

/** The comparisons of an alarm that fires when a metric falls below its threshold. */
const BELOW_THRESHOLD_OPERATORS: readonly string[] = ['LessThanThreshold', 'LessThanOrEqualToThreshold'];

/** The IAM actions that lower a fleet's capacity, by fleet type. */
function capacityLoweringIamActions(fleet: GpuFleetResource): readonly string[] {
  return fleet instanceof CfnAutoScalingGroup
    ? ['autoscaling:SetDesiredCapacity', 'autoscaling:UpdateAutoScalingGroup']
    : ['ec2:ModifyFleet'];
}

/** Whether the alarm's actions are enabled (CloudFormation's default). */
function actionsEnabled(alarm: CfnAlarm): boolean {
  return resolved(alarm, alarm.actionsEnabled) !== false;
}

/** Whether the alarm watches the `GPUUtilization` metric, directly or inside metric math. */
function watchesGpuUtilization(alarm: CfnAlarm): boolean {
  if (resolved(alarm, alarm.metricName) === 'GPUUtilization') return true;
  const queries = resolved<CfnAlarm.MetricDataQueryProperty[] | undefined>(alarm, alarm.metrics) ?? [];
  return queries.some((q) => {
    const stat = q.metricStat as CfnAlarm.MetricStatProperty | undefined;
    return (stat?.metric as CfnAlarm.MetricProperty | undefined)?.metricName === 'GPUUtilization';
  });
}

/** Whether the alarm fires when its metric is below (or at) the threshold. */
function comparesBelowThreshold(alarm: CfnAlarm): boolean {
  return BELOW_THRESHOLD_OPERATORS.includes(resolved<string>(alarm, alarm.comparisonOperator));
}

/**
 * Whether `fn` shuts the fleet down: its environment variables reference the fleet (so it
 * knows which one) and its execution role may lower the fleet's capacity.
 */
function functionLowersCapacity(fn: CfnFunction, fleet: GpuFleetResource): boolean {
  if (!references(fn, fn.environment, fleet)) return false;
  const role = referencedResource(fn, fn.role, CfnRole);
  return role !== undefined && roleAllows(role, capacityLoweringIamActions(fleet), fleet);
}

/**
 * The resources of the fleet's stack that lower its capacity when an alarm invokes them:
 * scaling policies of the group that remove capacity, and Lambda functions that shut it down.
 */
function capacityLoweringActionsOf(fleet: GpuFleetResource): CfnResource[] {
  const policies = fleet instanceof CfnAutoScalingGroup
    ? resourcesInStackOf(fleet, CfnScalingPolicy).filter((policy) => scalingPolicyRemovesCapacity(policy, fleet))
    : [];
  const functions = resourcesInStackOf(fleet, CfnFunction).filter((fn) => functionLowersCapacity(fn, fleet));
  return [...policies, ...functions];
}

/** Whether one of the alarm's actions is one of `targets`. */
function invokesAnyOf(alarm: CfnAlarm, targets: readonly CfnResource[]): boolean {
  const actionIds = referencedLogicalIds(resolved(alarm, alarm.alarmActions));
  return targets.some((target) => actionIds.has(logicalIdOf(target)));
}

/**
 * The idle-shutdown alarms of a fleet, in its stack: alarms that
 * - have their actions enabled,
 * - watch `GPUUtilization` (directly or in metric math),
 * - fire below the threshold (`LessThanThreshold` or `LessThanOrEqualToThreshold`),
 * - and invoke an action that lowers the fleet's capacity: a scaling policy of the group that
 *   removes capacity (see `scalingPolicyRemovesCapacity`), or a Lambda function whose
 *   environment references the fleet and whose role may lower it
 *   (`autoscaling:SetDesiredCapacity` or `autoscaling:UpdateAutoScalingGroup` on the group,
 *   `ec2:ModifyFleet` on the fleet; see `roleAllows`).
 */
export function idleShutdownAlarmsOf(fleet: GpuFleetResource): CfnAlarm[] {
  const lowering = capacityLoweringActionsOf(fleet);
  if (lowering.length === 0) return [];
  return resourcesInStackOf(fleet, CfnAlarm).filter((alarm) =>
    actionsEnabled(alarm) && watchesGpuUtilization(alarm) && comparesBelowThreshold(alarm) && invokesAnyOf(alarm, lowering));
}
