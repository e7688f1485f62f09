import { App, Validations } from 'aws-cdk-lib';
import { ControlTowerChecks } from './control-tower-checks';

/**
 * Registers the Control Tower controls on the App, beside the nag packs. Any finding that the
 * construct owning the resource did not exempt (`exemptFromControlTower`) fails `app.synth()`
 * (and `cdk synth`).
 */
export function registerControlTowerChecks(app: App): void {
  Validations.of(app).addPlugins(new ControlTowerChecks());
}
