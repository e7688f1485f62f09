import { Match, Template } from 'aws-cdk-lib/assertions';
import { FleetSchedule, FleetScheduleProps } from '../../../lib/constructs/inference/fleet-schedule';
import { fleetAndQueue } from './fixtures';

function schedule(overrides: Partial<FleetScheduleProps> = {}): Template {
  const { stack, fleet } = fleetAndQueue();
  new FleetSchedule(stack, 'Schedule', { autoScalingGroup: fleet.autoScalingGroup, minCapacity: 2, timeZone: 'Europe/Berlin', ...overrides });
  return Template.fromStack(stack);
}

describe('FleetSchedule', () => {
  const template = schedule();

  test('scales to 0 at 22:00 daily in the time zone, keeping MaxSize', () => {
    template.hasResourceProperties('AWS::AutoScaling::ScheduledAction', {
      Recurrence: '0 22 * * *',
      TimeZone: 'Europe/Berlin',
      MinSize: 0,
      DesiredCapacity: 0,
      MaxSize: Match.absent(),
    });
  });

  test('restores the minimum at 08:00 on weekdays without a desired capacity', () => {
    template.hasResourceProperties('AWS::AutoScaling::ScheduledAction', {
      Recurrence: '0 8 * * 1-5',
      TimeZone: 'Europe/Berlin',
      MinSize: 2,
      DesiredCapacity: Match.absent(),
      MaxSize: Match.absent(),
    });
  });

  test('the cron expressions are configurable', () => {
    const custom = schedule({ scaleDownCron: '30 19 * * *', scaleUpCron: '0 7 * * 1-6', timeZone: 'UTC' });
    custom.hasResourceProperties('AWS::AutoScaling::ScheduledAction', { Recurrence: '30 19 * * *', TimeZone: 'UTC', MinSize: 0 });
    custom.hasResourceProperties('AWS::AutoScaling::ScheduledAction', { Recurrence: '0 7 * * 1-6', TimeZone: 'UTC', MinSize: 2 });
  });

  test('rejects an unknown time zone', () => {
    expect(() => schedule({ timeZone: 'Mars/Olympus' })).toThrow(/timeZone \("Mars\/Olympus"\) is not a known IANA time zone/);
  });

  test('rejects a cron expression that is not 5 fields', () => {
    expect(() => schedule({ scaleDownCron: 'cron(0 22 * * ? *)' })).toThrow(/scaleDownCron \("cron\(0 22 \* \* \? \*\)"\) must be a cron expression of 5 fields/);
  });

  test('rejects a bad morning cron', () => {
    expect(() => schedule({ scaleUpCron: '8am' })).toThrow(/scaleUpCron \("8am"\) must be a cron expression of 5 fields/);
  });

  test('rejects an hour out of range', () => {
    expect(() => schedule({ scaleDownCron: '0 24 * * *' })).toThrow(/scaleDownCron \("0 24 \* \* \*"\) has an invalid hour field "24": use \*, a number from 0 to 23/);
  });

  test('rejects a day of week out of range in the morning cron', () => {
    expect(() => schedule({ scaleUpCron: '0 8 * * 1-7' })).toThrow(/scaleUpCron \("0 8 \* \* 1-7"\) has an invalid day-of-week field "1-7": use \*, a number from 0 to 6/);
  });

  test('rejects a negative minimum', () => {
    expect(() => schedule({ minCapacity: -1 })).toThrow(/minCapacity \(-1\) must be a whole number >= 0/);
  });
});
