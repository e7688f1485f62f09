import { App, Stage } from 'aws-cdk-lib';
import { auditExemptions } from '../../lib/compliance/exemption-audit';
import { ENVIRONMENTS, inferenceServicesOf, mergeConfig } from '../../lib/config';
import { AiInferenceStack, aiInferenceSettingsOf } from '../../lib/stacks/ai-inference-stack';
import { NetworkStack } from '../../lib/stacks/network-stack';
import { cdkJsonContext } from '../../scripts/nag-acknowledgements';
import { synthWithControlTower } from '../helpers/control-tower';

describe('the inference stack with two services, under the Control Tower controls', () => {
  // The first environment with a second service beside its first, by config alone.
  const base = ENVIRONMENTS[0];
  const [[, firstService]] = inferenceServicesOf(base);
  const config = mergeConfig(base, { inference: { second: mergeConfig(firstService, { model: { name: `${firstService.model.name}-second` } }) } });
  const app = new App({ context: cdkJsonContext() });
  const stage = new Stage(app, config.name);
  const { network } = new NetworkStack(stage, 'Network', { network: config.network, logRetention: config.logRetention, removalPolicy: config.removalPolicy });
  const stack = new AiInferenceStack(stage, 'AiInference', { ...aiInferenceSettingsOf(config), network });
  const result = synthWithControlTower(app);
  const [first, second] = Object.values(stack.services).map((service) => auditExemptions(result.report, service));

  test('synthesizes with no open finding', () => {
    expect([result.open, result.error]).toEqual([[], undefined]);
  });

  test('the second service declares the same exemptions as the first', () => {
    expect(second.map((a) => a.exemption.control)).toEqual(first.map((a) => a.exemption.control));
  });

  test('each exemption of either service suppresses exactly one finding, on its own service\'s resource', () => {
    const below = (path: string, constructPath: string): boolean => path === constructPath || path.startsWith(`${constructPath}/`);
    const off = [...first, ...second].filter((a) => a.suppressedPaths.length !== 1 || !below(a.suppressedPaths[0], a.constructPath))
      .map((a) => `${a.exemption.control} at ${a.constructPath}: ${a.suppressedPaths.join(', ')}`);
    expect([first.length > 0, off]).toEqual([true, []]);
  });
});
