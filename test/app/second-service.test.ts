import { Template } from 'aws-cdk-lib/assertions';
import { ENVIRONMENTS, inferenceServicesOf, mergeConfig } from '../../lib/config';
import { INFERENCE_SERVICE_OUTPUTS } from '../../lib/constructs/inference/inference-service';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { estimateCost } from '../../lib/foresight/cost-model';
import { fleetPrices } from '../../lib/foresight/fleet-prices';
import { DEFAULT_ASSUMPTIONS, runForesight } from '../../lib/foresight/foresight-run';
import { environmentStacks } from '../../lib/foresight/stack-templates';
import { regionPrices } from '../../lib/pricing/price-table';
import { serviceOf } from '../../scripts/foresight/options';
import { serviceLogGroupPrefix, serviceOutputKey } from '../../lib/stacks/service-names';
import { realApp } from '../helpers/nag-app';
import { synthWithNag } from '../helpers/nag';

/**
 * A second model served by config alone: the first environment with one service more, built as
 * `cdk synth` builds it (every nag pack, the Control Tower controls) and read by the tools.
 */
const base = ENVIRONMENTS[0];
const [[firstService, first]] = inferenceServicesOf(base);
const SECOND = 'summarizer';
const config = mergeConfig(base, {
  modelPublished: true,
  inference: { [SECOND]: mergeConfig(first, { model: { name: 'summarizer', version: '2.0.0' }, fleet: { minCapacity: 0, maxCapacity: 1 } }) },
});
const services = inferenceServicesOf(config).map(([name]) => name);
const { app, stages, outdir } = realApp({ environments: [config], env: config.name });
const result = synthWithNag(app);
const stage = stages[config.name];
const inference = Template.fromJSON(result.assembly?.getNestedAssembly(stage.artifactId).getStackArtifact(stage.inference.artifactId).template ?? {});

describe('a second inference service, by config alone', () => {
  test('synthesizes with every nag pack and Control Tower control clean', () => {
    expect(result.error).toBeUndefined();
    expect(result.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  test('gets its own queue, dead-letter queue, results bucket, fleet, load balancer and log group', () => {
    for (const [type, perService] of [
      ['AWS::SQS::Queue', 2], ['AWS::AutoScaling::AutoScalingGroup', 1], ['AWS::ElasticLoadBalancingV2::LoadBalancer', 1], ['AWS::Logs::LogGroup', 1],
    ] as const) {
      inference.resourceCountIs(type, perService * services.length);
    }
    inference.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: `${serviceLogGroupPrefix(config.name, SECOND)}/summarizer` });
  });

  test('exports every output of every service under its own key', () => {
    const keys = Object.keys(inference.findOutputs('*'));
    expect(keys).toEqual(expect.arrayContaining(services.flatMap((service) => INFERENCE_SERVICE_OUTPUTS.map((output) => serviceOutputKey(service, output)))));
  });

  test('leaves the first service\'s stateful logical ids where they were', () => {
    expect(Object.keys(inference.toJSON().Resources)).toEqual(expect.arrayContaining(['JobsQueue24944186', 'JobsDeadLetterQueue8CC426EE', 'ServiceJobResultsBucketB43DFBDC']));
  });

  describe('simulate and cost', () => {
    const env = environmentStacks(new CloudAssembly(outdir), config.name);
    const prices = regionPrices('us-east-1');
    const runs = services.map((service) => runForesight(config.name, [{ name: 'default', stacks: env.stacks }], serviceOf(config, service),
      { builtIn: 'steady' }, { ...DEFAULT_ASSUMPTIONS, days: 1 }, prices));

    test('simulate runs each service on its own fleet', () => {
      expect(runs.map((run) => [run.service, run.policies.default.fleet.maxSize])).toEqual([[firstService, first.fleet.maxCapacity], [SECOND, 1]]);
    });

    test('cost prices each service\'s fleet on its own line, and neither as training capacity', () => {
      const fleets = runs.map(({ service, policies: { default: run } }) => ({ service, fleet: run.fleet, idle: run.figures, expected: run.figures, prices: fleetPrices(run.fleet, prices) }));
      const estimate = estimateCost(env, { fleets, days: 1, inferenceFleets: fleets.map((f) => f.fleet.source) }, prices, { natGbPerMonth: 0, albLcu: 1, efsGb: 0, eksCpuNodes: 1 });
      const fleetLines = estimate.usage.filter((line) => line.component === 'on-demand instances').map((line) => line.resource);
      expect(new Set(fleetLines).size).toBe(services.length);
      expect(estimate.usage.filter((line) => line.component === 'on-demand nodes kept' && fleetLines.includes(line.resource))).toEqual([]);
    });
  });
});
