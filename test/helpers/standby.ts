import { EnvironmentConfig } from '../../lib/config';

/**
 * An environment with a standby Region, its model published and its SageMaker endpoint in both
 * Regions: the first of `environments` with a `secondaryRegion`, else the first given one.
 */
export function standbyEnvironment(environments: readonly EnvironmentConfig[]): EnvironmentConfig & { readonly region: string; readonly secondaryRegion: string } {
  const config = environments.find((c) => c.secondaryRegion !== undefined) ?? environments[0];
  const region = config.region ?? 'us-east-1';
  const secondaryRegion = config.secondaryRegion ?? (region === 'us-west-2' ? 'us-east-1' : 'us-west-2');
  return { ...config, region, secondaryRegion, modelPublished: true, sageMaker: { ...config.sageMaker, inSecondaryRegion: true } };
}
