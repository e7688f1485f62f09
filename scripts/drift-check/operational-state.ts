import { CfnTemplate } from '../../lib/foresight/stack-templates';

/** A property of one resource whose difference from the template is operational state, not drift. */
export interface OperationalProperty {
  /** The property as DescribeStackResourceDrifts names it (`PropertyPath`), e.g. `/MinSize`. */
  readonly path: string;
  /** Why its value moves without a deploy. */
  readonly why: string;
}

/**
 * Scheduled actions set the group's minimum, maximum and desired capacity at their times
 * (https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-scheduled-scaling.html):
 * a group the template gives scheduled actions differs from its MinSize/MaxSize half the day.
 */
const SCHEDULED_CAPACITY = ['/MinSize', '/MaxSize', '/DesiredCapacity'];

/**
 * `aws ec2 modify-fleet` changes an EC2 Fleet's total, On-Demand and Spot target capacity
 * (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/modify-ec2-fleet.html): `npm run train`'s way
 * to start spot training, and the idle shutdown's way to end it.
 */
const FLEET_TARGET_CAPACITY = ['TotalTargetCapacity', 'OnDemandTargetCapacity', 'SpotTargetCapacity'].map((p) => `/TargetCapacitySpecification/${p}`);

/**
 * CloudFormation reports an Auto Scaling group that sets DefaultInstanceWarmup as drifted on
 * that property although the group has the template's value: a known false positive
 * (https://github.com/aws-cloudformation/cloudformation-coverage-roadmap/issues/1466).
 */
const FALSE_DRIFT_WARMUP = '/DefaultInstanceWarmup';

/**
 * The operational properties of each resource of `template`, by logical id: the capacity of the
 * Auto Scaling groups that scheduled actions of the template target, the target capacity of
 * every EC2 Fleet, and DefaultInstanceWarmup where a group sets it. Nothing else.
 */
export function operationalProperties(template: CfnTemplate): Map<string, OperationalProperty[]> {
  const resources = Object.entries(template.Resources ?? {});
  const scheduled = new Set(resources
    .filter(([, r]) => r.Type === 'AWS::AutoScaling::ScheduledAction')
    .map(([, r]) => refOf(r.Properties?.AutoScalingGroupName))
    .filter((id): id is string => id !== undefined));
  const rules = new Map<string, OperationalProperty[]>();
  for (const [id, resource] of resources) {
    const properties: OperationalProperty[] = [];
    if (resource.Type === 'AWS::AutoScaling::AutoScalingGroup' && scheduled.has(id)) {
      properties.push(...SCHEDULED_CAPACITY.map((path) => ({ path, why: 'set by the group\'s scheduled actions' })));
    }
    if (resource.Type === 'AWS::AutoScaling::AutoScalingGroup' && resource.Properties?.DefaultInstanceWarmup !== undefined) {
      properties.push({ path: FALSE_DRIFT_WARMUP, why: 'a false drift CloudFormation reports (cloudformation-coverage-roadmap#1466)' });
    }
    if (resource.Type === 'AWS::EC2::EC2Fleet') {
      properties.push(...FLEET_TARGET_CAPACITY.map((path) => ({ path, why: 'set by aws ec2 modify-fleet to train, and by the idle shutdown' })));
    }
    if (properties.length > 0) rules.set(id, properties);
  }
  return rules;
}

/** The logical id a `{ "Ref": id }` names. */
function refOf(value: unknown): string | undefined {
  const ref = (value as { Ref?: unknown } | undefined)?.Ref;
  return typeof ref === 'string' ? ref : undefined;
}
