import { EnvironmentConfig } from '../config';
import { serviceOutputKey } from '../stacks/service-names';
import { RegionPrices } from '../pricing/price-table';
import { EnvironmentAssembly } from './cloud-assembly';
import { PolicyFigures, figuresOf } from './figures';
import { FleetModel } from './fleet-model';
import { fleetPrices } from './fleet-prices';
import { LocalClock } from './local-time';
import { DivisionByZero } from './metric-math';
import { seedStepPolicy } from './seed-policy';
import { SimulationTrace, simulate } from './simulator';
import { fleetFromTemplates } from './template-fleet';
import { Workload, builtInWorkload, csvWorkload } from './workloads';

/** Assumptions of a run; every one is a CLI flag. */
export interface ForesightAssumptions {
  readonly days: number;
  readonly seed: number;
  /** Mean seconds per job; default: the environment's secondsPerJob. */
  readonly secondsPerJob?: number;
  readonly jobSecondsCv: number;
  /** Launch to InService (boot, model download, launch hook completed); default DEFAULT_BOOT_SECONDS. */
  readonly bootSeconds?: number;
  readonly spotInterruptionsPerInstanceHour: number;
  /** Replaces the price table's per-family spot discount. */
  readonly spotDiscount?: number;
  readonly metricDelayMinutes: number;
  readonly divisionByZero: DivisionByZero;
}

/** The workload: a built-in name, or CSV text with its file name. */
export type WorkloadSource = { readonly builtIn: string } | { readonly csvName: string; readonly csvText: string };

/** One policy's run. */
export interface PolicyRun {
  readonly fleet: FleetModel;
  readonly trace: SimulationTrace;
  readonly figures: PolicyFigures;
}

/** Every policy's run on one service of one environment and one workload. */
export interface ForesightRun {
  readonly env: string;
  /** The inference service whose fleet ran. */
  readonly service: string;
  readonly workload: string;
  readonly acceptableLatencySeconds: number;
  readonly policies: Readonly<Record<string, PolicyRun>>;
}

/**
 * Default launch-to-InService time: 300 s, the model warm-up the environments assumed before the
 * fleet took a boot budget; pass --boot-seconds with a measured value.
 */
export const DEFAULT_BOOT_SECONDS = 300;

/** Monday 2026-01-05 00:00 UTC: a whole week, starting the night before the first office day. */
export const SIMULATION_START_EPOCH_SECONDS = Date.UTC(2026, 0, 5) / 1000;

/**
 * Simulates `source` on the synthesized fleet of the environment's inference service `service`
 * ("default") and, when `compareStep`, on the same fleet with the seed's policy ("step").
 */
export function runForesight(
  assembly: EnvironmentAssembly,
  config: EnvironmentConfig,
  service: string,
  source: WorkloadSource,
  assumptions: ForesightAssumptions,
  prices: RegionPrices,
  compareStep: boolean,
): ForesightRun {
  let fleet: FleetModel;
  try {
    fleet = fleetFromTemplates(assembly.stacks, serviceOutputKey(service, 'AutoScalingGroupName'));
  } catch (error) {
    throw new Error(`${assembly.environment} service ${service}: ${(error as Error).message}`, { cause: error });
  }
  const settings = config.inference[service];
  const secondsPerJob = assumptions.secondsPerJob ?? settings.scaling.timePerJob.toSeconds();
  const ctx = {
    startEpochSeconds: SIMULATION_START_EPOCH_SECONDS,
    days: assumptions.days,
    clock: new LocalClock(fleet.schedules[0]?.timeZone ?? settings.schedule?.timeZone ?? 'Etc/UTC'),
    capacityJobsPerMinute: (fleet.maxSize * 60) / secondsPerJob,
    secondsPerJob,
    jobSecondsCv: assumptions.jobSecondsCv,
    seed: assumptions.seed,
  };
  const workload: Workload = 'builtIn' in source ? builtInWorkload(source.builtIn, ctx) : csvWorkload(source.csvName, source.csvText, ctx);
  const fleets: Record<string, FleetModel> = compareStep ? { default: fleet, step: seedStepPolicy(fleet) } : { default: fleet };
  const policies: Record<string, PolicyRun> = {};
  for (const [name, f] of Object.entries(fleets)) {
    const trace = simulate(f, workload, {
      startEpochSeconds: SIMULATION_START_EPOCH_SECONDS,
      minutes: assumptions.days * 1440,
      bootSeconds: assumptions.bootSeconds ?? DEFAULT_BOOT_SECONDS,
      spotInterruptionsPerInstanceHour: assumptions.spotInterruptionsPerInstanceHour,
      metricDelayMinutes: assumptions.metricDelayMinutes,
      divisionByZero: assumptions.divisionByZero,
      seed: assumptions.seed,
    });
    policies[name] = { fleet: f, trace, figures: figuresOf(trace, fleetPrices(f, prices, assumptions.spotDiscount)) };
  }
  return { env: assembly.environment, service, workload: workload.name, acceptableLatencySeconds: settings.scaling.acceptableLatency.toSeconds(), policies };
}
