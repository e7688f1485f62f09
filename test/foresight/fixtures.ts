import { DEFAULT_ASSUMPTIONS } from '../../lib/foresight/foresight-run';
import { AlarmModel, FleetModel, MetricQuery } from '../../lib/foresight/fleet-model';
import { SimulationOptions } from '../../lib/foresight/simulator';
import { Workload } from '../../lib/foresight/workloads';

/** A one-metric query on `signal`. */
export const metric = (signal: MetricQuery['signal'], statistic = 'Maximum'): MetricQuery[] => [{ id: 'm', signal, statistic, returnData: true }];

/** An alarm with one-minute datapoints on `visible`; override any field. */
export function alarm(overrides: Partial<AlarmModel> = {}): AlarmModel {
  return {
    queries: metric('visible'),
    periodSeconds: 60,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    threshold: 0,
    comparisonOperator: 'GreaterThanThreshold',
    treatMissingData: 'notBreaching',
    ...overrides,
  };
}

/** A small fleet with no policies; override any field. */
export function fleet(overrides: Partial<FleetModel> = {}): FleetModel {
  return {
    source: 'test/Fleet',
    minSize: 0,
    maxSize: 4,
    instanceTypes: ['g5.xlarge'],
    onDemandBaseCapacity: 0,
    onDemandPercentageAboveBaseCapacity: 0,
    defaultInstanceWarmupSeconds: 0,
    maxConcurrentJobs: 1,
    maxReceiveCount: 3,
    messageRetentionSeconds: 345_600,
    policies: [],
    schedules: [],
    ...overrides,
  };
}

/** Jobs at the given arrival seconds, each `seconds` long. */
export function jobs(arrivals: number[], seconds = 10): Workload {
  return { name: 'test', arrivalSeconds: Float64Array.from(arrivals), jobSeconds: new Float64Array(arrivals.length).fill(seconds) };
}

/** Simulation options for `minutes`, no interruptions, boot 120 s, the other assumptions' defaults; override any field. */
export function options(minutes: number, overrides: Partial<SimulationOptions> = {}): SimulationOptions {
  return {
    ...DEFAULT_ASSUMPTIONS,
    startEpochSeconds: Date.UTC(2026, 0, 5) / 1000,
    minutes,
    bootSeconds: 120,
    spotInterruptionsPerInstanceHour: 0,
    ...overrides,
  };
}
