import { CfnResource } from 'aws-cdk-lib';
import { CfnScalableTarget } from 'aws-cdk-lib/aws-applicationautoscaling';
import { CfnEndpoint, CfnEndpointConfig } from 'aws-cdk-lib/aws-sagemaker';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { logicalIdOf, referencedLogicalIds, referencedResource, resolved, resourcesInStackOf } from '../resource-lookup';

/** A resolved string, with every intrinsic other than `Fn::Join` replaced by `*`. */
function flatten(value: unknown): string {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] } | undefined)?.['Fn::Join'];
  return join ? join[1].map(flatten).join(join[0]) : '*';
}

/** Names of the variants that have a scalable target of `sagemaker:variant:DesiredInstanceCount`. */
function scaledVariantsOf(endpoint: CfnEndpoint): string[] {
  const endpointName = resolved(endpoint, endpoint.endpointName);
  return resourcesInStackOf(endpoint, CfnScalableTarget).flatMap((target) => {
    if (resolved(target, target.serviceNamespace) !== 'sagemaker'
      || resolved(target, target.scalableDimension) !== 'sagemaker:variant:DesiredInstanceCount') return [];
    const resourceId = resolved(target, target.resourceId);
    const match = /^endpoint\/(.+)\/variant\/([^/]+)$/.exec(flatten(resourceId));
    const forThisEndpoint = referencedLogicalIds(resourceId).has(logicalIdOf(endpoint)) || match?.[1] === endpointName;
    return match && forThisEndpoint ? [match[2]] : [];
  });
}

/**
 * A SageMaker endpoint has an Application Auto Scaling scalable target
 * (`endpoint/<name>/variant/<variant>`) for each production variant of its endpoint config,
 * so instances follow traffic instead of running at their peak count. One finding per variant
 * without one, e.g. `GpuCost-SageMakerEndpointScalableTarget[primary]`; when the endpoint
 * config is not in the stack, the finding `endpoint` means no variant scales.
 */
export function SageMakerEndpointScalableTarget(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnEndpoint)) return NagRuleCompliance.NOT_APPLICABLE;
  const scaled = scaledVariantsOf(node);
  const config = referencedResource(node, node.endpointConfigName, CfnEndpointConfig);
  if (config === undefined) return scaled.length > 0 ? NagRuleCompliance.COMPLIANT : ['endpoint'];
  const variants = resolved<{ variantName?: unknown }[]>(config, config.productionVariants) ?? [];
  const unscaled = variants.map((v) => String(v.variantName)).filter((name) => !scaled.includes(name));
  return unscaled.length > 0 ? unscaled : NagRuleCompliance.COMPLIANT;
}
