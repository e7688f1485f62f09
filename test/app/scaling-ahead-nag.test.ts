import { Duration } from 'aws-cdk-lib';
import { ENVIRONMENTS } from '../../lib/config';
import { EnvironmentConfig } from '../../lib/config/environment-config';
import { DEFAULT_SERVICE } from '../../lib/stacks/service-names';
import { synthConfigWithEveryCheck } from '../helpers/nag-app';

/** An environment of the app with predictive scaling, a warm-up window in the night and a baked image turned on. */
function withScalingAhead(config: EnvironmentConfig): EnvironmentConfig {
  const service = config.inference[DEFAULT_SERVICE];
  return {
    ...config,
    modelPublished: true,
    inference: {
      ...config.inference,
      [DEFAULT_SERVICE]: {
        ...service,
        fleet: { ...service.fleet, bakedImage: {} },
        scaling: { ...service.scaling, predictive: { mode: 'ForecastAndScale' } },
        warmUpWindows: [{ cron: '45 0 * * *', capacity: service.fleet.maxCapacity, duration: Duration.hours(2) }],
      },
    },
  };
}

describe('an environment with scaling ahead of the load, under every nag pack and the Control Tower controls', () => {
  const config = withScalingAhead(ENVIRONMENTS.find((env) => env.inference[DEFAULT_SERVICE]?.schedule) ?? ENVIRONMENTS[0]);
  const { result } = synthConfigWithEveryCheck(config);

  test('synthesizes with no finding', () => {
    expect([result.findings.map((f) => `${f.pluginName} ${f.ruleName} at ${f.constructPath}`), result.error?.message]).toEqual([[], undefined]);
  });

  test('holds the image build, the predictive policy and the window\'s actions', () => {
    const template = JSON.stringify(result.assembly?.nestedAssemblies.flatMap((n) => n.nestedAssembly.stacks.map((s) => s.template)));
    expect(template).toContain('AWS::ImageBuilder::Image');
    expect(template).toContain('"PolicyType":"PredictiveScaling"');
    expect(template).toContain('"Recurrence":"45 0 * * *"');
  });
});
