import { Duration } from 'aws-cdk-lib';
import { withDefaults } from '../lib/defaults';
import { FLEET_SCHEDULE_DEFAULTS, fleetScheduleSettingsProblems } from '../lib/constructs/inference/fleet-schedule';
import { GPU_FLEET_DEFAULTS, gpuFleetSettingsProblems } from '../lib/constructs/inference/gpu-fleet';
import { UTILIZATION_SCALE_IN_DEFAULTS, utilizationScaleInSettingsProblems } from '../lib/constructs/inference/utilization-scale-in';
import { InferenceImage } from '../lib/constructs/inference/inference-image';
import { INFERENCE_MODEL_DEFAULTS, inferenceModelProblems } from '../lib/constructs/inference/inference-runtime';
import { JOB_QUEUE_DEFAULTS, jobQueueProblems } from '../lib/constructs/inference/job-queue';
import { JOB_RESULTS_DEFAULTS, jobResultsSettingsProblems } from '../lib/constructs/inference/job-results';
import { QUEUE_STEP_SCALING_DEFAULTS, queueScalingSettingsProblems } from '../lib/constructs/inference/queue-scaling';
import { AUTO_MODE_NODE_POOL_DEFAULTS, autoModeNodePoolSettingsProblems } from '../lib/constructs/ml-platform/auto-mode-node-pool';
import { NETWORK_DEFAULTS, networkSettingsProblems } from '../lib/constructs/network/environment-network';
import { problemsOf } from '../lib/validation';

/**
 * Each construct states its defaults once (`XXX_DEFAULTS`) and its rules check only what the
 * user wrote, so the defaults themselves must pass the rules: here, each defaults object is
 * written out in full, next to the required values, and checked.
 */
describe('every construct\'s defaults pass its own rules', () => {
  test.each([
    ['GpuFleet', gpuFleetSettingsProblems({ instanceTypes: ['g5.xlarge'], minCapacity: 0, maxCapacity: 1, ...GPU_FLEET_DEFAULTS })],
    ['UtilizationScaleIn', utilizationScaleInSettingsProblems({ ...UTILIZATION_SCALE_IN_DEFAULTS })],
    ['FleetSchedule', fleetScheduleSettingsProblems({ timeZone: 'UTC', ...FLEET_SCHEDULE_DEFAULTS })],
    ['JobQueue', jobQueueProblems({ maxJobDuration: Duration.minutes(1), maxReceiveCount: JOB_QUEUE_DEFAULTS.maxReceiveCount })],
    ['JobResults', jobResultsSettingsProblems({ ...JOB_RESULTS_DEFAULTS })],
    ['InferenceModel', inferenceModelProblems({ name: 'm', version: '1', image: InferenceImage.fromRegistry('public.ecr.aws/acme/serving:1'), ...INFERENCE_MODEL_DEFAULTS })],
    ['QueueScaling step', queueScalingSettingsProblems({
      mode: 'step', acceptableLatency: Duration.seconds(60), timePerJob: Duration.seconds(10), scaleToZeroAfterIdle: Duration.minutes(30), step: { ...QUEUE_STEP_SCALING_DEFAULTS },
    })],
    ['AutoModeNodePool', autoModeNodePoolSettingsProblems({ instanceTypes: ['m6i.large'], limits: { cpu: 16, memoryGiB: 64 }, ...AUTO_MODE_NODE_POOL_DEFAULTS })],
    ['EnvironmentNetwork', networkSettingsProblems({ maxAzs: 2, natGateways: 1, ...NETWORK_DEFAULTS })],
  ])('%s', (_construct, problems) => {
    expect(problemsOf(problems)).toEqual([]);
  });
});

describe('withDefaults', () => {
  test('takes each field the settings leave unset from the defaults', () => {
    expect(withDefaults<{ a?: number; b?: number }, { a: number; b: number }>({ a: 5 }, { a: 1, b: 2 })).toEqual({ a: 5, b: 2 });
  });

  test('takes a field a config override set to undefined from the defaults too', () => {
    expect(withDefaults<{ a?: number }, { a: number }>({ a: undefined }, { a: 1 })).toEqual({ a: 1 });
  });

  test('keeps fields that have no default', () => {
    expect(withDefaults<{ a?: number; c: string }, { a: number }>({ c: 'x' }, { a: 1 })).toEqual({ a: 1, c: 'x' });
  });
});
