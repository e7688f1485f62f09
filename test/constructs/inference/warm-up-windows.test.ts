import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { cronFirings, describeInstant } from '../../../lib/cron-firings';
import { WarmUpWindowSettings, endCronOf } from '../../../lib/constructs/inference/warm-up-window-rules';
import { WarmUpWindows, WarmUpWindowsProps } from '../../../lib/constructs/inference/warm-up-windows';
import { fleetAndQueue } from './fixtures';

const NIGHT = { timeZone: 'Europe/Berlin' };
const BATCH: WarmUpWindowSettings = { cron: '45 0 * * *', capacity: 2, duration: Duration.hours(2) };
const OFFICE: WarmUpWindowSettings = { cron: '30 9 * * 1-5', capacity: 3, duration: Duration.minutes(45) };

function windows(list: WarmUpWindowSettings[], overrides: Partial<WarmUpWindowsProps> = {}): { construct: WarmUpWindows; template: Template } {
  const { stack, fleet } = fleetAndQueue();
  const construct = new WarmUpWindows(stack, 'WarmUp', { autoScalingGroup: fleet.autoScalingGroup, windows: list, minCapacity: 1, maxCapacity: 4, schedule: NIGHT, ...overrides });
  return { construct, template: Template.fromStack(stack) };
}

describe('cronFirings, Auto Scaling\'s recurrences in a time zone', () => {
  test('follow daylight saving time: 08:00 in New York is 13:00 UTC in winter and 12:00 UTC in summer (AWS\'s example)', () => {
    const span = { from: Date.UTC(2028, 2, 10) / 1000, to: Date.UTC(2028, 2, 14) / 1000 };
    expect(cronFirings('0 8 * * *', 'America/New_York', span).map((at) => new Date(at * 1000).toISOString())).toEqual([
      '2028-03-10T13:00:00.000Z', '2028-03-11T13:00:00.000Z', '2028-03-12T12:00:00.000Z', '2028-03-13T12:00:00.000Z',
    ]);
  });

  test('read day-of-week 0 as Sunday, as AWS\'s cron does', () => {
    const span = { from: Date.UTC(2028, 0, 1) / 1000, to: Date.UTC(2028, 0, 15) / 1000 };
    expect(cronFirings('0 12 * * 0', 'Etc/UTC', span).map((at) => describeInstant('Etc/UTC', at))).toEqual(['Sun 2028-01-02 12:00 Etc/UTC', 'Sun 2028-01-09 12:00 Etc/UTC']);
  });
});

describe('endCronOf', () => {
  test('adds the duration to the start\'s minute and hour', () => {
    expect(endCronOf('30 7 * * 1-5', Duration.minutes(45))).toBe('15 8 * * 1-5');
  });

  test('moves the days of the week on when the window passes midnight', () => {
    expect(endCronOf('0 23 * * 5,6', Duration.hours(2))).toBe('0 1 * * 0,6');
  });
});

describe('WarmUpWindows, a nightly batch window in the off hours and an office-hours one', () => {
  const { construct, template } = windows([BATCH, OFFICE]);

  test('raises MinSize to the capacity at the start, in the schedule\'s time zone, never touching DesiredCapacity', () => {
    template.hasResourceProperties('AWS::AutoScaling::ScheduledAction', { Recurrence: '45 0 * * *', TimeZone: 'Europe/Berlin', MinSize: 2 });
    const actions = Object.values(template.findResources('AWS::AutoScaling::ScheduledAction'));
    expect(actions.filter((a) => 'DesiredCapacity' in a.Properties)).toEqual([]);
  });

  test('restores the night\'s MinSize 0 at the end of a window in the off hours', () => {
    template.hasResourceProperties('AWS::AutoScaling::ScheduledAction', { Recurrence: '45 2 * * *', TimeZone: 'Europe/Berlin', MinSize: 0 });
  });

  test('restores the daytime minCapacity at the end of a window in the day', () => {
    template.hasResourceProperties('AWS::AutoScaling::ScheduledAction', { Recurrence: '30 9 * * 1-5', MinSize: 3 });
    template.hasResourceProperties('AWS::AutoScaling::ScheduledAction', { Recurrence: '15 10 * * 1-5', MinSize: 1 });
  });

  test('makes two actions per window', () => {
    template.resourceCountIs('AWS::AutoScaling::ScheduledAction', 4);
    expect(construct.plans).toHaveLength(2);
  });
});

describe('WarmUpWindows without a night schedule', () => {
  test('runs in UTC, Auto Scaling\'s default, and restores minCapacity', () => {
    const { template } = windows([{ cron: '0 12 * * *', capacity: 2, duration: Duration.hours(1) }], { schedule: undefined });
    template.hasResourceProperties('AWS::AutoScaling::ScheduledAction', { Recurrence: '0 13 * * *', TimeZone: 'Etc/UTC', MinSize: 1 });
  });
});

describe('WarmUpWindows rejects', () => {
  test('a window that contains the evening scale-down: the two would fight', () => {
    expect(() => windows([{ cron: '30 21 * * *', capacity: 2, duration: Duration.hours(1) }]))
      .toThrow(/warmUpWindows\[0\] \(Sat 2028-01-01 21:30 Europe\/Berlin for 1 hour\) contains the night schedule's scale-down at Sat 2028-01-01 22:00 Europe\/Berlin: move the window wholly into the day or wholly into the night's off hours/);
  });

  test('a window that ends on the morning scale-up: two actions at one time', () => {
    expect(() => windows([{ cron: '0 7 * * 1-5', capacity: 2, duration: Duration.hours(1) }])).toThrow(/contains the night schedule's scale-up at Mon 2028-01-03 08:00/);
  });

  test('a daily window that is in the day on weekdays and in the off hours at weekends', () => {
    expect(() => windows([{ cron: '0 12 * * *', capacity: 2, duration: Duration.hours(1) }]))
      .toThrow(/warmUpWindows\[0\]\.cron \("0 12 \* \* \*"\) starts while the fleet is off \(Sat 2028-01-01 12:00 Europe\/Berlin\) and while it is on \(Mon 2028-01-03 12:00 Europe\/Berlin\): .*split it/);
  });

  test('overlapping windows', () => {
    expect(() => windows([BATCH, { cron: '0 2 * * *', capacity: 3, duration: Duration.hours(1) }]))
      .toThrow(/warmUpWindows\[1\] \(Sun 2028-01-02 02:00 Europe\/Berlin\) overlaps warmUpWindows\[0\]: windows must not overlap or touch/);
  });

  test('a window longer than the time between its starts', () => {
    expect(() => windows([{ cron: '0 23 * * *', capacity: 2, duration: Duration.hours(24) }], { schedule: undefined }))
      .toThrow(/warmUpWindows\[0\]\.duration \(1 day\) is longer than the time between two of its starts/);
  });

  test('a capacity above the fleet\'s maxCapacity', () => {
    expect(() => windows([{ ...BATCH, capacity: 5 }])).toThrow(/warmUpWindows\[0\]\.capacity \(5\) must be at most the fleet's maxCapacity \(4\)/);
  });

  test('a daytime capacity that does not exceed minCapacity', () => {
    expect(() => windows([{ ...OFFICE, capacity: 1 }])).toThrow(/warmUpWindows\[0\]\.capacity \(1\) must be above the MinSize the window starts from \(1, fleet\.minCapacity\)/);
  });

  test('a capacity of 0', () => {
    expect(() => windows([{ ...BATCH, capacity: 0 }])).toThrow(/warmUpWindows\[0\]\.capacity \(0\) must be a whole number >= 1/);
  });

  test('a malformed cron, read with the one cron grammar', () => {
    expect(() => windows([{ ...BATCH, cron: '45 25 * * *' }])).toThrow(/warmUpWindows\[0\]\.cron \("45 25 \* \* \*"\) has an invalid hour field "25"/);
  });

  test('a start more than once a day', () => {
    expect(() => windows([{ ...BATCH, cron: '0 */6 * * *' }])).toThrow(/warmUpWindows\[0\]\.cron \("0 \*\/6 \* \* \*"\) must start once a day/);
  });

  test('a monthly window that ends the next day', () => {
    expect(() => windows([{ cron: '0 23 1 * *', capacity: 2, duration: Duration.hours(2) }], { schedule: undefined })).toThrow(/must start once a day .*and end the same day when it names days of the month/);
  });

  test('a cron that never fires', () => {
    expect(() => windows([{ ...BATCH, cron: '45 0 31 2 *' }])).toThrow(/warmUpWindows\[0\]\.cron \("45 0 31 2 \*"\) never fires in a year/);
  });

  test('a duration of seconds', () => {
    expect(() => windows([{ ...BATCH, duration: Duration.seconds(90) }])).toThrow(/warmUpWindows\[0\]\.duration \(1 minute 30 seconds\) must be a whole number of minutes/);
  });

  test('a duration over a day', () => {
    expect(() => windows([{ ...BATCH, duration: Duration.hours(25) }])).toThrow(/warmUpWindows\[0\]\.duration \(1 day 1 hour\) must be between 1 minute and 1 day/);
  });

  test('an unknown time zone', () => {
    expect(() => windows([{ ...BATCH, timeZone: 'Mars/Olympus' }])).toThrow(/warmUpWindows\[0\]\.timeZone \("Mars\/Olympus"\) is not a known IANA time zone/);
  });

  test('more windows than Auto Scaling\'s 125 scheduled actions allow', () => {
    const many = Array.from({ length: 62 }, (_, n) => ({ cron: `${n % 60} ${1 + Math.floor(n / 60)} * * *`, capacity: 2, duration: Duration.minutes(1) }));
    expect(() => windows(many)).toThrow(/warmUpWindows has 62 windows: with the night schedule that is 126 scheduled actions, above Auto Scaling's 125 per group/);
  });
});
