import { CfnResource } from 'aws-cdk-lib';
import { CfnAutoScalingGroup } from 'aws-cdk-lib/aws-autoscaling';
import { CfnEC2Fleet, CfnLaunchTemplate, CfnPlacementGroup } from 'aws-cdk-lib/aws-ec2';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { idleShutdownAlarmsOf } from '../idle-shutdown/idle-shutdown-alarms';
import { gpuFleetOf, referencedResource, resolved } from '../resource-lookup';

function isClusterPlacementGroup(node: CfnResource, reference: unknown): boolean {
  const group = referencedResource(node, reference, CfnPlacementGroup);
  return group !== undefined && resolved(group, group.strategy) === 'cluster';
}

/** Whether the fleet's launch templates place their instances in a cluster placement group. */
function templatePlacesInCluster(node: CfnResource, templateSpecs: unknown): boolean {
  const template = referencedResource(node, templateSpecs, CfnLaunchTemplate);
  const data = template && resolved<CfnLaunchTemplate.LaunchTemplateDataProperty | undefined>(template, template.launchTemplateData);
  return template !== undefined && isClusterPlacementGroup(template, (data?.placement as CfnLaunchTemplate.PlacementProperty | undefined)?.groupName);
}

/**
 * Whether a GPU fleet is training capacity: an Auto Scaling group or EC2 Fleet placed in a
 * cluster placement group (its own property, its overrides or its launch template), or an EC2
 * Fleet of type `maintain`, which replaces capacity for as long as it exists.
 */
function isTrainingCluster(fleet: CfnAutoScalingGroup | CfnEC2Fleet): boolean {
  if (fleet instanceof CfnAutoScalingGroup) {
    const policy = resolved<CfnAutoScalingGroup.MixedInstancesPolicyProperty | undefined>(fleet, fleet.mixedInstancesPolicy);
    return isClusterPlacementGroup(fleet, fleet.placementGroup)
      || templatePlacesInCluster(fleet, [fleet.launchTemplate, policy?.launchTemplate]);
  }
  const configs = resolved<CfnEC2Fleet.FleetLaunchTemplateConfigRequestProperty[]>(fleet, fleet.launchTemplateConfigs) ?? [];
  return resolved(fleet, fleet.type) === 'maintain'
    || isClusterPlacementGroup(fleet, configs.map((c) => c.overrides))
    || templatePlacesInCluster(fleet, configs.map((c) => c.launchTemplateSpecification));
}

/**
 * A training cluster has an idle-shutdown alarm: an enabled alarm on `GPUUtilization` that
 * fires below its threshold and invokes an action lowering the cluster's capacity (see
 * `idleShutdownAlarmsOf`), so idle GPUs are shut down instead of billed.
 */
export function TrainingClusterIdleShutdown(node: CfnResource): NagRuleResult {
  const fleet = gpuFleetOf(node);
  if (fleet === undefined || !isTrainingCluster(fleet)) return NagRuleCompliance.NOT_APPLICABLE;
  return idleShutdownAlarmsOf(fleet).length > 0 ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
}
