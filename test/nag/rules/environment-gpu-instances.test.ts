import { App, Stack, Stage, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { NagRuleCompliance } from 'cdk-nag';
import { GpuCostChecks } from '../../../lib/nag/gpu-cost-checks';
import { environmentGpuInstances } from '../../../lib/nag/rules/environment-gpu-instances';
import { gpuFleet, gpuGroup } from '../../helpers/gpu-fixtures';
import { findingsOf } from '../../helpers/nag';
import { FIXTURE_LIMITS, bareStack, synthWithPack } from '../../helpers/nag-rule';
import { gpuNodePool, manifestResource } from '../../helpers/node-pool-fixtures';

const RULE_ID = 'GpuCost-EnvironmentGpuInstances';

/** The rule with a cap of 6 over the stack the node is in. */
const rule = environmentGpuInstances(6, (node) => Stack.of(node));

describe('EnvironmentGpuInstances, as a function', () => {
  test('fleets that add up to the cap are compliant, each of them', () => {
    const { stack } = bareStack();
    const [a, b] = [gpuGroup(stack, 'A', { maxSize: 4 }), gpuGroup(stack, 'B', { maxSize: 2 })];
    expect([rule(a), rule(b)]).toEqual([NagRuleCompliance.COMPLIANT, NagRuleCompliance.COMPLIANT]);
  });

  test('fleets each within a per-fleet cap but above the environment\'s together are non-compliant, each of them', () => {
    const { stack } = bareStack();
    const [a, b] = [gpuGroup(stack, 'A', { maxSize: 4 }), gpuGroup(stack, 'B', { maxSize: 3 })];
    expect([rule(a), rule(b)]).toEqual([NagRuleCompliance.NON_COMPLIANT, NagRuleCompliance.NON_COMPLIANT]);
  });

  test('an EC2 Fleet\'s target capacity counts', () => {
    const { stack } = bareStack();
    const group = gpuGroup(stack, 'A', { maxSize: 4 });
    gpuFleet(stack, 'Fleet', { totalTargetCapacity: 3 });
    expect(rule(group)).toBe(NagRuleCompliance.NON_COMPLIANT);
  });

  test('a GPU NodePool\'s nodes count: its GPU limit over the fewest GPUs of its types', () => {
    const { stack } = bareStack();
    const group = gpuGroup(stack, 'A', { maxSize: 4 });
    const cluster = eks.Cluster.fromClusterAttributes(stack, 'Cluster', {
      clusterName: 'ml',
      kubectlProvider: eks.KubectlProvider.fromKubectlProviderAttributes(stack, 'Kubectl', { serviceToken: 'arn:aws:lambda:us-east-1:123456789012:function:k' }),
    });
    const pool = manifestResource(stack, 'Pool', cluster, gpuNodePool());
    expect([rule(group), rule(pool)]).toEqual([NagRuleCompliance.NON_COMPLIANT, NagRuleCompliance.NON_COMPLIANT]);
  });

  test('non-GPU groups do not count and are not applicable', () => {
    const { stack } = bareStack();
    const gpu = gpuGroup(stack, 'A', { maxSize: 6 });
    const cpu = gpuGroup(stack, 'Cpu', { maxSize: 50, instanceTypes: ['m5.large'] });
    expect([rule(gpu), rule(cpu)]).toEqual([NagRuleCompliance.COMPLIANT, NagRuleCompliance.NOT_APPLICABLE]);
  });

  test('other resource types are not applicable', () => {
    const { stack } = bareStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0 });
    expect(rule(vpc.node.defaultChild as ec2.CfnVPC)).toBe(NagRuleCompliance.NOT_APPLICABLE);
  });
});

describe('EnvironmentGpuInstances, through the pack: one environment per Stage', () => {
  const app = new App();
  const over = new Stage(app, 'over');
  const within = new Stage(app, 'within');
  gpuGroup(new Stack(over, 'Inference'), 'First', { maxSize: 4 });
  gpuGroup(new Stack(over, 'Training'), 'Second', { maxSize: 4 });
  gpuGroup(new Stack(within, 'Inference'), 'Only', { maxSize: 4 });
  Validations.of(app).addPlugins(new GpuCostChecks(within, FIXTURE_LIMITS));
  const result = synthWithPack(app, new GpuCostChecks(over, FIXTURE_LIMITS));

  test('sums the fleets of the pack\'s Stage across its stacks, reporting each as an error', () => {
    expect([findingsOf(result, RULE_ID, 'over/Inference/First'), findingsOf(result, RULE_ID, 'over/Training/Second')])
      .toEqual([[expect.objectContaining({ severity: 'error' })], [expect.objectContaining({ severity: 'error' })]]);
  });

  test('counts no other Stage\'s fleets', () => {
    expect(findingsOf(result, RULE_ID, 'within/Inference/Only')).toEqual([]);
  });

  test('fails the synth', () => {
    expect(result.error?.message).toMatch(/GpuCost-EnvironmentGpuInstances/);
  });
});

describe('GpuCostLimits', () => {
  test.each([
    [{ maxGpuInstancesPerEnvironment: 0 }, /maxGpuInstancesPerEnvironment \(0\) must be a whole number >= 1/],
    [{ maxGpuInstancesPerFleet: 1.5 }, /maxGpuInstancesPerFleet \(1\.5\) must be a whole number >= 1/],
    [{ allowedInstanceTypes: [] }, /allowedInstanceTypes is empty/],
    [{ allowedInstanceTypes: ['g5.xlarge', 'g5.xlarge'] }, /allowedInstanceTypes lists "g5\.xlarge" twice/],
  ])('the pack rejects %j', (limits, message) => {
    expect(() => new GpuCostChecks(undefined, { ...FIXTURE_LIMITS, ...limits })).toThrow(message);
  });
});
