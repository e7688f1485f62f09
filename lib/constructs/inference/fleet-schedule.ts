import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import { Construct } from 'constructs';
import { Defaults, withDefaults } from '../../defaults';
import { Problem, checkCron, checkTimeZone, checkWholeNumberAtLeast, throwIfProblems } from '../../validation';

/** When the fleet sleeps: plain values an environment config holds. */
export interface FleetScheduleSettings {
  /** IANA time zone of both cron expressions, e.g. `Europe/Berlin`. */
  readonly timeZone: string;
  /**
   * 5-field cron at which the fleet goes to 0.
   * @default '0 22 * * *'
   */
  readonly scaleDownCron?: string;
  /**
   * 5-field cron at which minCapacity is restored.
   * @default '0 8 * * 1-5'
   */
  readonly scaleUpCron?: string;
}

/** The defaults of {@link FleetScheduleSettings}: off at 22:00 every day, back at 08:00 on weekdays. */
export const FLEET_SCHEDULE_DEFAULTS: Defaults<FleetScheduleSettings> = {
  scaleDownCron: '0 22 * * *',
  scaleUpCron: '0 8 * * 1-5',
};

/** Props of {@link FleetSchedule}. */
export interface FleetScheduleProps extends FleetScheduleSettings {
  /** The fleet. Deploy it with MinSize 0 (see the class comment). */
  readonly autoScalingGroup: autoscaling.IAutoScalingGroup;
  /** MinSize the morning action restores. */
  readonly minCapacity: number;
}

/** The rules of {@link FleetScheduleSettings}, each problem naming its field. */
export function fleetScheduleSettingsProblems(settings: FleetScheduleSettings): Problem[] {
  return [
    checkTimeZone('timeZone', settings.timeZone),
    checkCron('scaleDownCron', settings.scaleDownCron),
    checkCron('scaleUpCron', settings.scaleUpCron),
  ];
}

/**
 * Night-time scale-down of a fleet, in the environment's time zone.
 *
 * - Evening: MinSize 0 and DesiredCapacity 0; MaxSize is left alone, so queue scaling still
 *   wakes the fleet for jobs that arrive at night.
 * - Morning: MinSize back to minCapacity; Auto Scaling raises the desired capacity to it.
 *
 * With a schedule, deploy the group with MinSize 0 and no DesiredCapacity: a deploy at night
 * then starts no instance, and the morning action, not the template, sets the daytime minimum.
 * (The group's UpdatePolicy ignores unmodified size properties, so a deploy during the day does
 * not reset what the schedule set either.)
 */
export class FleetSchedule extends Construct {
  constructor(scope: Construct, id: string, props: FleetScheduleProps) {
    super(scope, id);
    const { scaleDownCron, scaleUpCron } = withDefaults(props, FLEET_SCHEDULE_DEFAULTS);
    throwIfProblems(checkWholeNumberAtLeast('minCapacity', props.minCapacity, 0), ...fleetScheduleSettingsProblems(props));
    new autoscaling.ScheduledAction(this, 'ScaleDownEvening', {
      autoScalingGroup: props.autoScalingGroup,
      schedule: autoscaling.Schedule.expression(scaleDownCron),
      timeZone: props.timeZone,
      minCapacity: 0,
      desiredCapacity: 0,
    });
    new autoscaling.ScheduledAction(this, 'ScaleUpMorning', {
      autoScalingGroup: props.autoScalingGroup,
      schedule: autoscaling.Schedule.expression(scaleUpCron),
      timeZone: props.timeZone,
      minCapacity: props.minCapacity,
    });
  }
}
