import { EnvironmentStack, resourcesOfType } from './template';
import { DeployTarget, evaluate } from './template-values';

/** SageMaker instances of one type the environment's endpoints can scale to. */
export interface EndpointInstanceNeed {
  /** e.g. `ml.g5.xlarge`. */
  readonly instanceType: string;
  readonly instances: number;
  /** The variants that need them, each with its maximum. */
  readonly sources: readonly string[];
}

/**
 * The endpoint instances of each type the templates can run: each production variant at the
 * MaxCapacity of the scalable target of its `endpoint/<name>/variant/<variant>` resource id,
 * or at its InitialInstanceCount without one; summed per instance type, which is how SageMaker
 * counts its "<type> for endpoint usage" quotas (https://docs.aws.amazon.com/general/latest/gr/sagemaker.html).
 */
export function endpointInstanceNeeds(stacks: readonly EnvironmentStack[], target: DeployTarget): EndpointInstanceNeed[] {
  const needs = new Map<string, { instances: number; sources: string[] }>();
  for (const { stack, logicalId, resource } of resourcesOfType(stacks, 'AWS::SageMaker::EndpointConfig')) {
    const maxima = new Map(resourcesOfType([stack], 'AWS::ApplicationAutoScaling::ScalableTarget')
      .filter(({ resource: t }) => t.Properties?.ServiceNamespace === 'sagemaker')
      .map(({ resource: t }) => [evaluate(t.Properties?.ResourceId, stack.template, target, stack.stackName).split('/variant/')[1], Number(t.Properties?.MaxCapacity)]));
    const variants = (resource.Properties?.ProductionVariants ?? []) as Array<{ VariantName?: string; InstanceType?: string; InitialInstanceCount?: number }>;
    for (const variant of variants) {
      if (!variant.InstanceType) continue;
      const instances = maxima.get(variant.VariantName ?? '') ?? Number(variant.InitialInstanceCount ?? 1);
      const need = needs.get(variant.InstanceType) ?? { instances: 0, sources: [] };
      need.instances += instances;
      need.sources.push(`${stack.stackName}/${logicalId} variant ${variant.VariantName}: ${instances}`);
      needs.set(variant.InstanceType, need);
    }
  }
  return [...needs].map(([instanceType, need]) => ({ instanceType, ...need }));
}
