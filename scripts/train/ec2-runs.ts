import { DescribeAutoScalingGroupsCommand, DescribeScalingActivitiesCommand, SetDesiredCapacityCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeFleetsCommand, ModifyFleetCommand } from '@aws-sdk/client-ec2';
import { DEFAULT_TRAINING_INSTANCE_TYPE } from '../../lib/constructs/training/training-cluster';
import { FINAL_NODE_STATES, NodeReport, RunCapacity, TrainingRun } from '../../lib/runtime/training/launcher-files';
import { TrainContext } from './context';
import { checkVcpuQuota } from './quotas';
import { activeRunId, hasOutput, nodeReports, readRun } from './run-store';

/**
 * Runs on the cluster and the spot fleet. Their capacity is operational state: the cluster
 * group's DesiredCapacity is not in the template (CloudFormation checks drift only on
 * "resource properties explicitly defined in the stack template",
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackResourceDrift.html),
 * and the deploy's drift gate ignores the fleet's TargetCapacitySpecification.
 */

/** How much capacity a target has and, when it is missing, why. */
export interface CapacityState {
  /** What was asked: the group's DesiredCapacity or the fleet's TotalTargetCapacity. */
  readonly desired: number;
  /** What runs: InService instances or the fleet's FulfilledCapacity. */
  readonly running: number;
  /** The group's MaxSize; unbounded for the fleet. */
  readonly max?: number;
  /** The latest failed launch (a quota, no capacity in the zone), in AWS's words. */
  readonly problem?: string;
}

/** The capacity of `target` in the context's stack, as a run record names it. */
export function capacityOf(context: TrainContext, target: 'cluster' | 'spot'): RunCapacity {
  const metricGroupName = context.outputs.ClusterAutoScalingGroupName;
  return target === 'cluster'
    ? { kind: 'autoscaling', id: metricGroupName, metricGroupName }
    : { kind: 'fleet', id: context.outputs.SpotFleetId, metricGroupName };
}

/** The current capacity of `target`, with the latest launch failure. */
export async function capacityState(context: TrainContext, target: 'cluster' | 'spot'): Promise<CapacityState> {
  const { autoScaling, ec2 } = context.clients;
  if (target === 'cluster') {
    const name = context.outputs.ClusterAutoScalingGroupName;
    const [groups, activities] = await Promise.all([
      autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] })),
      autoScaling.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: name, MaxRecords: 5 })),
    ]);
    const group = groups.AutoScalingGroups?.[0];
    const failed = activities.Activities?.find((a) => a.StatusCode === 'Failed' || a.StatusCode === 'Cancelled');
    return {
      desired: group?.DesiredCapacity ?? 0,
      running: (group?.Instances ?? []).filter((i) => i.LifecycleState === 'InService').length,
      max: group?.MaxSize,
      problem: failed?.StatusMessage,
    };
  }
  const { Fleets: fleets } = await ec2.send(new DescribeFleetsCommand({ FleetIds: [context.outputs.SpotFleetId] }));
  const fleet = fleets?.[0];
  const error = fleet?.Errors?.[0];
  return {
    desired: fleet?.TargetCapacitySpecification?.TotalTargetCapacity ?? 0,
    running: Math.floor(fleet?.FulfilledCapacity ?? 0),
    problem: error ? `${error.ErrorCode}: ${error.ErrorMessage}` : undefined,
  };
}

/** Sets the capacity of `target` to `count` instances. */
export async function setCapacity(context: TrainContext, target: 'cluster' | 'spot', count: number): Promise<void> {
  if (target === 'cluster') {
    await context.clients.autoScaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: context.outputs.ClusterAutoScalingGroupName, DesiredCapacity: count, HonorCooldown: false }));
  } else {
    await context.clients.ec2.send(new ModifyFleetCommand({ FleetId: context.outputs.SpotFleetId, TargetCapacitySpecification: { TotalTargetCapacity: count } }));
  }
}

/** Whether every report is final and at least one exists. */
export function allFinal(reports: readonly NodeReport[]): boolean {
  return reports.length > 0 && reports.every((r) => FINAL_NODE_STATES.includes(r.state));
}

/**
 * Throws when `target` cannot take a run of `nodes` now: another run still uses it, the group's
 * MaxSize is lower, or the account's vCPU quota is.
 */
export async function checkEc2Capacity(context: TrainContext, target: 'cluster' | 'spot', runId: string, nodes: number): Promise<void> {
  const { config } = context;
  const [active, state] = await Promise.all([activeRunId(context, target), capacityState(context, target)]);
  if (active !== undefined && active !== runId && state.desired > 0) {
    const run = await readRun(context, active);
    const reports = await nodeReports(context, active);
    if (run !== undefined && !(await hasOutput(context, run)) && !allFinal(reports)) {
      throw new Error(`the ${target} runs ${active} on ${state.desired} instance(s): stop it first (npm run train -- stop ${active} --env ${config.name})`);
    }
  }
  if (state.max !== undefined && nodes > state.max) {
    throw new Error(`--nodes (${nodes}) exceeds the cluster's MaxSize (${state.max}): raise training.cluster.maxNodes in lib/config/${config.name}.ts and deploy`);
  }
  const types = target === 'cluster' ? [config.training.cluster.instanceType ?? DEFAULT_TRAINING_INSTANCE_TYPE] : config.training.spotFleet.instanceTypes;
  await checkVcpuQuota(context, target === 'cluster' ? 'on-demand' : 'spot', types, nodes);
}

/** The run as the status command prints it. */
export async function ec2RunStatus(context: TrainContext, run: TrainingRun & { capacity: RunCapacity }): Promise<{ state: string; [key: string]: unknown }> {
  const target = run.target as 'cluster' | 'spot';
  const [reports, output, capacity, active] = await Promise.all([
    nodeReports(context, run.runId), hasOutput(context, run), capacityState(context, target), activeRunId(context, target),
  ]);
  const states = reports.map((r) => r.state);
  let state = 'starting';
  if (output) state = 'completed';
  else if (states.includes('failed') && allFinal(reports)) state = 'failed';
  else if (states.length > 0 && allFinal(reports)) state = states.includes('stopped') ? 'stopped' : 'interrupted';
  else if (states.includes('running')) state = 'running';
  else if (states.length > 0) state = 'preparing';
  return {
    run: run.runId,
    target,
    state,
    nodes: run.nodes,
    active: active === run.runId,
    capacity: { desired: capacity.desired, running: capacity.running, ...(capacity.problem ? { problem: capacity.problem } : {}) },
    reports,
    output: run.outputUri,
    checkpoints: run.checkpointUri,
  };
}
