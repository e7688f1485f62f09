import { ENVIRONMENTS } from '../../lib/config';
import { EnvironmentConfig } from '../../lib/config/environment-config';
import { MODEL_PACKAGE_REFRESH_PARAMETER } from '../../lib/constructs/inference/registered-model';
import { synthConfigWithEveryCheck } from '../helpers/nag-app';

/** An environment of the app whose endpoint's service serves the latest approved version of a registered model. */
function withRegisteredModel(config: EnvironmentConfig): EnvironmentConfig {
  const name = config.sageMaker.service;
  const { gpuMemoryFraction, environment } = config.inference[name].model;
  return {
    ...config,
    modelPublished: true,
    inference: { ...config.inference, [name]: { ...config.inference[name], model: { modelPackage: { groupName: 'sentiment-3f2a1c', version: 'latest-approved' }, gpuMemoryFraction, environment } } },
  };
}

describe('an environment serving a registered model, under every nag pack and the Control Tower controls', () => {
  const config = withRegisteredModel(ENVIRONMENTS[0]);
  const { result } = synthConfigWithEveryCheck(config);

  test('synthesizes with no finding', () => {
    expect([result.findings.map((f) => `${f.pluginName} ${f.ruleName} at ${f.constructPath}`), result.error?.message]).toEqual([[], undefined]);
  });

  test('the fleet\'s stack and the endpoint\'s stack each take the refresh parameter', () => {
    const stacks = result.assembly?.nestedAssemblies.flatMap((n) => n.nestedAssembly.stacks) ?? [];
    const withParameter = stacks.filter((s) => MODEL_PACKAGE_REFRESH_PARAMETER in ((s.template as { Parameters?: object }).Parameters ?? {})).map((s) => s.stackName);
    expect(withParameter.sort()).toEqual([`${config.name}-AiInference`, `${config.name}-Training`]);
  });
});
