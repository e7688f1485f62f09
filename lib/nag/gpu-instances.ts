import { CfnResource } from 'aws-cdk-lib';
import { CfnAutoScalingGroup } from 'aws-cdk-lib/aws-autoscaling';
import { CfnEC2Fleet } from 'aws-cdk-lib/aws-ec2';
import { NagRules } from 'cdk-nag';
import { isGpuNodePool, maxGpuNodesOf, nodePoolsOf } from './node-pools';
import { GpuFleetResource, gpuFleetOf, resolved } from './resource-lookup';

/** The most instances a GPU Auto Scaling group (its MaxSize) or GPU EC2 Fleet (its total target capacity) can run. */
export function maxInstancesOf(fleet: GpuFleetResource): number {
  const size = fleet instanceof CfnAutoScalingGroup
    ? NagRules.resolveIfPrimitive(fleet, fleet.maxSize)
    : NagRules.resolveIfPrimitive(fleet, resolved<CfnEC2Fleet.TargetCapacitySpecificationRequestProperty>(fleet, fleet.targetCapacitySpecification).totalTargetCapacity);
  return Number(size);
}

/**
 * The most GPU instances `node` can run, or undefined when it launches none: a GPU Auto Scaling
 * group's MaxSize, a GPU EC2 Fleet's total target capacity, or the GPU nodes of the GPU NodePools
 * a Kubernetes manifest applies (a pool without a GPU limit is unbounded: Infinity).
 */
export function gpuInstancesOf(node: CfnResource): number | undefined {
  const fleet = gpuFleetOf(node);
  if (fleet !== undefined) return maxInstancesOf(fleet);
  const pools = nodePoolsOf(node)?.filter(isGpuNodePool) ?? [];
  if (pools.length === 0) return undefined;
  return pools.reduce((sum, pool) => sum + (maxGpuNodesOf(pool) ?? Number.POSITIVE_INFINITY), 0);
}
