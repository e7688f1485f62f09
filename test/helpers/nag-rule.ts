import { App, Stack, Validations } from 'aws-cdk-lib';
import { NagPack } from 'cdk-nag';
import { NagSynthResult, synthWithNag } from './nag';

/** A bare stack in its own app, for rule fixtures. */
export function bareStack(): { app: App; stack: Stack } {
  const app = new App();
  return { app, stack: new Stack(app, 'Fixtures') };
}

/** Registers `pack` on the fixture's app and synthesizes it once. */
export function synthWithPack(app: App, pack: NagPack): NagSynthResult {
  Validations.of(app).addPlugins(pack);
  return synthWithNag(app);
}

/** GPU cost limits of a dev-like fixture environment. */
export const FIXTURE_LIMITS = {
  maxGpuInstancesPerFleet: 4,
  maxGpuInstancesPerEnvironment: 6,
  allowedInstanceTypes: ['g4dn.xlarge', 'g5.xlarge', 'ml.m5.large'],
  requireScaleToZero: true,
} as const;
