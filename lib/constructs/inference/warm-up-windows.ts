import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import { Construct } from 'constructs';
import { throwIfProblems } from '../../validation';
import { WarmUpWindowContext, WarmUpWindowPlan, WarmUpWindowSettings, planWarmUpWindows } from './warm-up-window-rules';

/** Props of {@link WarmUpWindows}. */
export interface WarmUpWindowsProps extends WarmUpWindowContext {
  /** The fleet's group. */
  readonly autoScalingGroup: autoscaling.IAutoScalingGroup;
  /** The windows, validated against the fleet's bounds and the night schedule. */
  readonly windows: readonly WarmUpWindowSettings[];
}

/**
 * Known busy times (a nightly batch, the start of office hours) as pairs of scheduled actions:
 * at the start MinSize rises to the window's capacity, and Auto Scaling raises the desired
 * capacity to it; at the end MinSize returns to what it was, and the scale-in policies trim
 * what the queue no longer needs. The actions set MinSize only, never DesiredCapacity (a deploy
 * would reset it), and run in the window's time zone, DST adjusted
 * (https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-scheduled-scaling.html).
 * See `planWarmUpWindows` for the rules that keep them from fighting the night schedule.
 * Cost: the window's instances for its duration, whatever the queue holds.
 */
export class WarmUpWindows extends Construct {
  /** The windows as scheduled. */
  public readonly plans: readonly WarmUpWindowPlan[];

  constructor(scope: Construct, id: string, props: WarmUpWindowsProps) {
    super(scope, id);
    const { plans, problems } = planWarmUpWindows(props.windows, props);
    throwIfProblems(...problems);
    this.plans = plans;
    plans.forEach((plan, n) => {
      new autoscaling.ScheduledAction(this, `Window${n}Start`, {
        autoScalingGroup: props.autoScalingGroup,
        schedule: autoscaling.Schedule.expression(plan.startCron),
        timeZone: plan.timeZone,
        minCapacity: plan.capacity,
      });
      new autoscaling.ScheduledAction(this, `Window${n}End`, {
        autoScalingGroup: props.autoScalingGroup,
        schedule: autoscaling.Schedule.expression(plan.endCron),
        timeZone: plan.timeZone,
        minCapacity: plan.restoredMinSize,
      });
    });
  }
}
