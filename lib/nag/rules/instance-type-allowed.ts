import { CfnResource } from 'aws-cdk-lib';
import { CfnAutoScalingGroup, CfnLaunchConfiguration } from 'aws-cdk-lib/aws-autoscaling';
import { CfnEC2Fleet, CfnInstance, CfnLaunchTemplate } from 'aws-cdk-lib/aws-ec2';
import { CfnEndpointConfig } from 'aws-cdk-lib/aws-sagemaker';
import { NagRuleCompliance } from 'cdk-nag';
import { NagRule } from '../nag-rule';
import { isAcceleratedInstanceType } from '../../gpu/accelerated-instance-types';
import { resolved } from '../resource-lookup';

type Declared = { instanceType?: unknown };

/** The instance types a resource itself declares (not those of the launch template it uses). */
function declaredInstanceTypes(node: CfnResource): unknown[] | undefined {
  if (node instanceof CfnAutoScalingGroup) {
    const policy = resolved<CfnAutoScalingGroup.MixedInstancesPolicyProperty | undefined>(node, node.mixedInstancesPolicy);
    const template = policy?.launchTemplate as CfnAutoScalingGroup.LaunchTemplateProperty | undefined;
    return ((template?.overrides ?? []) as Declared[]).map((o) => o.instanceType);
  }
  if (node instanceof CfnEC2Fleet) {
    const configs = resolved<CfnEC2Fleet.FleetLaunchTemplateConfigRequestProperty[]>(node, node.launchTemplateConfigs) ?? [];
    return configs.flatMap((c) => ((c.overrides ?? []) as Declared[]).map((o) => o.instanceType));
  }
  if (node instanceof CfnLaunchTemplate) {
    return [resolved<Declared | undefined>(node, node.launchTemplateData)?.instanceType];
  }
  if (node instanceof CfnLaunchConfiguration || node instanceof CfnInstance) {
    return [resolved(node, node.instanceType)];
  }
  if (node instanceof CfnEndpointConfig) {
    return (resolved<Declared[]>(node, node.productionVariants) ?? []).map((v) => v.instanceType);
  }
  return undefined;
}

/**
 * Every accelerated (see `isAcceleratedInstanceType`) and SageMaker (`ml.*`) instance type a resource declares is in
 * `allowedInstanceTypes`: Auto Scaling group and EC2 Fleet overrides, launch templates,
 * launch configurations, instances and SageMaker endpoint config variants. Other EC2 types
 * (a `t3.micro` bastion) are not GPU spend and are not checked. One finding per type outside
 * the list, e.g. `GpuCost-InstanceTypeAllowed[p5.48xlarge]`.
 */
export function instanceTypeAllowed(allowedInstanceTypes: readonly string[]): NagRule {
  return function InstanceTypeAllowed(node: CfnResource) {
    const declared = declaredInstanceTypes(node);
    if (declared === undefined) return NagRuleCompliance.NOT_APPLICABLE;
    const checked = declared.filter((t): t is string => typeof t === 'string' && (t.startsWith('ml.') || isAcceleratedInstanceType(t)));
    const denied = [...new Set(checked.filter((t) => !allowedInstanceTypes.includes(t)))];
    return denied.length > 0 ? denied : NagRuleCompliance.COMPLIANT;
  };
}
