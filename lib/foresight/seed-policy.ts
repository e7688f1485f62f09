import { FleetModel, ScheduleModel } from './fleet-model';

/**
 * The seed's scaling (seeds/000: Terraform `aws_autoscaling_policy.scale_up`,
 * `queue_depth_high`, `gpu_utilization_low` and the two `aws_autoscaling_schedule`s) on the same
 * fleet: a simple policy +2 when ApproximateNumberOfMessages averages > 10 over 2 x 120 s (300 s
 * cooldown), a simple policy -1 when the average GPU utilization (AI/Custom) stays < 20 % for 3 x 300 s, and, where the environment
 * schedules at all, the seed's schedules in the environment's time zone: 22:00 daily to 0 (max 2),
 * 08:00 on weekdays to min 1 / desired 2 / max 10. Terraform's alarms leave missing data as
 * `missing`. Sizes are capped at the fleet's MaxSize so both policies get the same fleet.
 */
export function seedStepPolicy(fleet: FleetModel): FleetModel {
  const cap = (n: number) => Math.min(n, fleet.maxSize);
  const timeZone = fleet.schedules[0]?.timeZone;
  const schedules: ScheduleModel[] = timeZone
    ? [
      { name: 'seed-scale-down-evening', cron: '0 22 * * *', timeZone, minSize: 0, maxSize: cap(2), desiredCapacity: 0 },
      { name: 'seed-scale-up-morning', cron: '0 8 * * 1-5', timeZone, minSize: cap(1), maxSize: cap(10), desiredCapacity: cap(2) },
    ]
    : [];
  return {
    ...fleet,
    source: `${fleet.source} with the seed's step policy`,
    policies: [
      {
        kind: 'simple',
        name: 'seed-scale-up',
        adjustmentType: 'ChangeInCapacity',
        adjustment: 2,
        cooldownSeconds: 300,
        alarm: {
          queries: [{ id: 'm1', signal: 'visible', statistic: 'Average', returnData: true }],
          periodSeconds: 120,
          evaluationPeriods: 2,
          datapointsToAlarm: 2,
          threshold: 10,
          comparisonOperator: 'GreaterThanThreshold',
          treatMissingData: 'missing',
        },
      },
      {
        kind: 'simple',
        name: 'seed-scale-down',
        adjustmentType: 'ChangeInCapacity',
        adjustment: -1,
        cooldownSeconds: 300,
        alarm: {
          queries: [{ id: 'm1', signal: 'gpuUtilization', statistic: 'Average', returnData: true }],
          periodSeconds: 300,
          evaluationPeriods: 3,
          datapointsToAlarm: 3,
          threshold: 20,
          comparisonOperator: 'LessThanThreshold',
          treatMissingData: 'missing',
        },
      },
    ],
    schedules,
  };
}
