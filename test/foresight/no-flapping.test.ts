import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import { GpuUtilizationScaleIn } from '../../lib/constructs/inference/gpu-utilization-scale-in';
import { QueueScaling } from '../../lib/constructs/inference/queue-scaling';
import { FleetModel } from '../../lib/foresight/fleet-model';
import { simulate } from '../../lib/foresight/simulator';
import { fleetFromTemplates } from '../../lib/foresight/template-fleet';
import { fleetAndQueue } from '../constructs/inference/fixtures';
import { jobs, options } from './fixtures';

/**
 * The rules the scaling constructs render, read back from their synthesized template and run
 * through the simulator: what they do is what AWS would do with that template.
 */
function synthesized(build: (parts: ReturnType<typeof fleetAndQueue>) => void): FleetModel {
  const parts = fleetAndQueue({ instanceTypes: ['g5.xlarge'], minCapacity: 0, maxCapacity: 2, onDemandBaseCapacity: 0, onDemandPercentageAboveBaseCapacity: 0 });
  build(parts);
  return fleetFromTemplates([{ hierarchicalId: 'Test', template: Template.fromStack(parts.stack).toJSON() }]);
}

const queueScaling = ({ stack, fleet, queue }: ReturnType<typeof fleetAndQueue>) => new QueueScaling(stack, 'Scaling', {
  fleet, queue, acceptableLatency: Duration.minutes(2), timePerJob: Duration.seconds(10), scaleToZeroAfterIdle: Duration.minutes(15),
});
const wakeUps = (trace: ReturnType<typeof simulate>) => trace.events.filter((e) => e.from === 0 && e.to > 0).length;
const HOUR = 3600;

describe('scale-to-zero through a trickle of jobs (QueueScaling\'s idle alarm)', () => {
  const model = synthesized(queueScaling);

  test('a job every 8 minutes wakes the fleet once and keeps it up: each job counts as it is sent, even one the queue\'s one-minute samples never see', () => {
    const trickle = Array.from({ length: 45 }, (_, k) => 2 * HOUR + k * 480);
    expect(wakeUps(simulate(model, jobs(trickle, 10), options(9 * 60, { bootSeconds: 300 })))).toBe(1);
  });

  test('a night of jobs at uneven gaps wakes the fleet at most once per gap longer than the idle window (15 minutes), plus the first job', () => {
    // 6 to 14 minutes apart, with two quiet spells of 40 minutes, from 22:00 to 08:00.
    const gapsMinutes = [...Array(30).fill([6, 9, 12, 7, 14, 8, 11]).flat().slice(0, 30), 40, ...Array(20).fill([10, 13, 5]).flat().slice(0, 20), 40, 9, 12, 6, 14];
    const arrivals = gapsMinutes.reduce<number[]>((at, gap) => [...at, at[at.length - 1] + gap * 60], [22 * HOUR]);
    const allowed = gapsMinutes.filter((gap) => gap > 15).length + 1;
    expect(wakeUps(simulate(model, jobs(arrivals, 10), options(arrivals[arrivals.length - 1] / 60 + 60, { bootSeconds: 300 })))).toBeLessThanOrEqual(allowed);
  });

  test('after the trickle stops, the fleet goes to 0 once the idle window has passed', () => {
    const trickle = Array.from({ length: 10 }, (_, k) => 2 * HOUR + k * 480);
    const trace = simulate(model, jobs(trickle, 10), options(6 * 60, { bootSeconds: 300 }));
    expect(trace.desired[trace.desired.length - 1]).toBe(0);
  });
});

describe('capacity started before the jobs (predictive scaling, a warm-up window) is not taken back at once', () => {
  // The group's desired capacity goes to 1 at 00:50 UTC; the jobs come at 01:05, after hours without any.
  const ahead = synthesized((parts) => {
    queueScaling(parts);
    new autoscaling.ScheduledAction(parts.stack, 'Ahead', {
      autoScalingGroup: parts.fleet.autoScalingGroup, schedule: autoscaling.Schedule.expression('50 0 * * *'), desiredCapacity: 1,
    });
  });

  test('the first job finds the instance up: idle minutes count from when it is up, and metrics a reactivated queue has not published yet are not idle', () => {
    const trace = simulate(ahead, jobs([65 * 60, 66 * 60], 10), options(2 * 60, { bootSeconds: 300, startEpochSeconds: Date.UTC(2026, 0, 5) / 1000 }));
    expect(trace.waitSeconds[0]).toBeLessThan(1);
  });
});

describe('GPU scale-in with a metric a minute late (GpuUtilizationScaleIn)', () => {
  // Two instances up from the start; one job a minute keeps utilization low.
  const trimmed = synthesized(({ stack, fleet }) => {
    new GpuUtilizationScaleIn(stack, 'Gpu', { fleet });
    new autoscaling.ScheduledAction(stack, 'Two', { autoScalingGroup: fleet.autoScalingGroup, schedule: autoscaling.Schedule.expression('0 0 * * *'), desiredCapacity: 2 });
  });

  test('removes the idle instance, never the last one: it waits for the metric to see the smaller fleet', () => {
    const trace = simulate(trimmed, jobs(Array.from({ length: 60 }, (_, k) => 60 + k * 60), 5), options(60, { bootSeconds: 300 }));
    expect(Math.min(...trace.desired.subarray(5))).toBe(1);
  });
});
