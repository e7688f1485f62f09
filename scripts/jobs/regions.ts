import { EnvironmentConfig } from '../../lib/config';
import { STACK_IDS, StackId } from '../../lib/stacks/stack-names';
import { UsageError } from '../cli';
import { JobsClients, JobsContext, loadJobsContext } from './context';

/** One Region of an environment's jobs, for one inference service. */
export interface JobsRegion {
  /** The Region's code, e.g. `us-east-1`. */
  readonly region: string;
  /** Its clients (CloudWatch for `stats`). */
  readonly clients: JobsClients;
  /** The service's queues and results bucket there, read once from the Region's inference stack. */
  readonly context: () => Promise<JobsContext>;
}

/**
 * The Regions one service's jobs go to: the primary, and, in an environment with a
 * `secondaryRegion`, the standby the client fails over to.
 */
export interface JobsRegions {
  readonly primary: JobsRegion;
  /** @default - one Region */
  readonly standby?: JobsRegion;
}

/** A Region of the environment, its service's context loaded once from the stack `stackId`. */
function jobsRegion(config: EnvironmentConfig, service: string, region: string, stackId: StackId, clientsFor: (region: string) => JobsClients): JobsRegion {
  const clients = clientsFor(region);
  let loaded: Promise<JobsContext> | undefined;
  return { region, clients, context: () => (loaded ??= loadJobsContext(clients, config.name, service, stackId)) };
}

/**
 * The Regions of `service`. An environment with a `secondaryRegion` has two, from its config:
 * its `region` (stack `<env>-AiInference`) and the standby (`<env>-StandbyAiInference`);
 * `selected` (`--region`) keeps one of them only. Another environment has one: `selected`,
 * else its config's `region`, else `defaultRegion` (AWS_REGION).
 */
export function jobsRegionsOf(
  config: EnvironmentConfig,
  service: string,
  clientsFor: (region: string) => JobsClients,
  selected: string | undefined,
  defaultRegion: string | undefined,
): JobsRegions {
  const { region, secondaryRegion } = config;
  if (region !== undefined && secondaryRegion !== undefined) {
    if (selected !== undefined && selected !== region && selected !== secondaryRegion) {
      throw new UsageError(`--region (${selected}) is not a Region of ${config.name}: use ${region} or ${secondaryRegion}, or leave it out for both`);
    }
    const primary = () => jobsRegion(config, service, region, STACK_IDS.inference, clientsFor);
    const standby = () => jobsRegion(config, service, secondaryRegion, STACK_IDS.standbyInference, clientsFor);
    if (selected === region) return { primary: primary() };
    if (selected === secondaryRegion) return { primary: standby() };
    return { primary: primary(), standby: standby() };
  }
  const single = selected ?? region ?? defaultRegion;
  if (!single) throw new UsageError('no region: pass --region or set AWS_REGION');
  return { primary: jobsRegion(config, service, single, STACK_IDS.inference, clientsFor) };
}

/** The Regions in order: the primary, then the standby. */
export function regionList(regions: JobsRegions): JobsRegion[] {
  return regions.standby ? [regions.primary, regions.standby] : [regions.primary];
}
