import { Stack } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import { CfnEndpoint, CfnEndpointConfig } from 'aws-cdk-lib/aws-sagemaker';
import { NagRuleCompliance } from 'cdk-nag';
import { GpuCostChecks } from '../../../lib/nag/gpu-cost-checks';
import { SageMakerEndpointScalableTarget } from '../../../lib/nag/rules/sage-maker-endpoint-scalable-target';
import { findingsOf, ruleFindingsAt } from '../../helpers/nag';
import { bareStack, FIXTURE_LIMITS, synthWithPack } from '../../helpers/nag-rule';

/** An endpoint config with the given variants and its endpoint. */
function endpoint(stack: Stack, id: string, variantNames: string[]): CfnEndpoint {
  const config = new CfnEndpointConfig(stack, `${id}Config`, {
    productionVariants: variantNames.map((variantName) => ({
      variantName, modelName: 'model', instanceType: 'ml.m5.large', initialInstanceCount: 1, initialVariantWeight: 1,
    })),
  });
  return new CfnEndpoint(stack, id, { endpointConfigName: config.attrEndpointConfigName });
}

/** An L2 scalable target on a variant, the way `autoScaleInstanceCount` builds it. */
function scale(stack: Stack, id: string, target: CfnEndpoint, variantName: string): appscaling.ScalableTarget {
  return new appscaling.ScalableTarget(stack, id, {
    serviceNamespace: appscaling.ServiceNamespace.SAGEMAKER,
    scalableDimension: 'sagemaker:variant:DesiredInstanceCount',
    resourceId: `endpoint/${target.attrEndpointName}/variant/${variantName}`,
    minCapacity: 1,
    maxCapacity: 2,
  });
}

describe('SageMakerEndpointScalableTarget, as a function', () => {
  test('an endpoint whose every variant scales is compliant', () => {
    const { stack } = bareStack();
    const target = endpoint(stack, 'Endpoint', ['primary', 'candidate']);
    scale(stack, 'Primary', target, 'primary');
    scale(stack, 'Candidate', target, 'candidate');
    expect(SageMakerEndpointScalableTarget(target)).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('finds each variant without a scalable target', () => {
    const { stack } = bareStack();
    const target = endpoint(stack, 'Endpoint', ['primary', 'candidate']);
    scale(stack, 'Primary', target, 'primary');
    expect(SageMakerEndpointScalableTarget(target)).toEqual(['candidate']);
  });

  test('a scalable target of another endpoint does not count', () => {
    const { stack } = bareStack();
    const target = endpoint(stack, 'Endpoint', ['primary']);
    scale(stack, 'Other', endpoint(stack, 'OtherEndpoint', ['primary']), 'primary');
    expect(SageMakerEndpointScalableTarget(target)).toEqual(['primary']);
  });

  test('an endpoint named literally matches a literal resource id', () => {
    const { stack } = bareStack();
    const config = new CfnEndpointConfig(stack, 'Config', {
      productionVariants: [{ variantName: 'primary', modelName: 'm', instanceType: 'ml.m5.large', initialInstanceCount: 1, initialVariantWeight: 1 }],
    });
    const target = new CfnEndpoint(stack, 'Endpoint', { endpointName: 'sentiment', endpointConfigName: config.attrEndpointConfigName });
    new appscaling.CfnScalableTarget(stack, 'Scaling', {
      serviceNamespace: 'sagemaker', scalableDimension: 'sagemaker:variant:DesiredInstanceCount',
      resourceId: 'endpoint/sentiment/variant/primary', minCapacity: 1, maxCapacity: 2,
    });
    expect(SageMakerEndpointScalableTarget(target)).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('an endpoint of an imported config without any scalable target finds "endpoint"', () => {
    const { stack } = bareStack();
    expect(SageMakerEndpointScalableTarget(new CfnEndpoint(stack, 'Endpoint', { endpointConfigName: 'imported' }))).toEqual(['endpoint']);
  });

  test('other resource types are not applicable', () => {
    const { stack } = bareStack();
    const config = new CfnEndpointConfig(stack, 'Config', {
      productionVariants: [{ variantName: 'primary', modelName: 'm', instanceType: 'ml.m5.large', initialInstanceCount: 1, initialVariantWeight: 1 }],
    });
    expect(SageMakerEndpointScalableTarget(config)).toBe(NagRuleCompliance.NOT_APPLICABLE);
  });
});

describe('SageMakerEndpointScalableTarget, through the pack', () => {
  const { app, stack } = bareStack();
  endpoint(stack, 'Unscaled', ['primary']);
  scale(stack, 'Scaling', endpoint(stack, 'Scaled', ['primary']), 'primary');
  const result = synthWithPack(app, new GpuCostChecks(undefined, FIXTURE_LIMITS));

  test('reports the variant without a scalable target, as an error', () => {
    expect(findingsOf(result, 'GpuCost-SageMakerEndpointScalableTarget[primary]', 'Fixtures/Unscaled')).toEqual([expect.objectContaining({ severity: 'error' })]);
  });

  test('passes the endpoint with a scalable target', () => {
    expect(ruleFindingsAt(result, 'GpuCost-SageMakerEndpointScalableTarget', 'Fixtures/Scaled')).toEqual([]);
  });
});
