import { App, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { EnvironmentConfig } from '../config';
import { AiInfraStage } from '../stacks/ai-infra-stage';
import { ControlTowerChecks, controlTowerAcknowledgementId } from './control-tower-checks';
import { controlTowerControl } from './control-tower-controls';
import { ControlTowerExemption } from './control-tower-exemption';
import { CONTROL_TOWER_EXEMPTIONS } from './control-tower-exemptions';

/** The exemptions that hold in the environment. */
export function exemptionsFor(config: EnvironmentConfig, exemptions: readonly ControlTowerExemption[] = CONTROL_TOWER_EXEMPTIONS): ControlTowerExemption[] {
  return exemptions.filter((e) => e.when?.appliesTo(config) ?? true);
}

/** The construct at `constructPath` below `stage`; throws, naming the exemption, when there is none. */
function exemptedConstruct(stage: AiInfraStage, exemption: ControlTowerExemption): IConstruct {
  let node: IConstruct | undefined = stage;
  for (const id of exemption.constructPath.split('/')) node = node?.node.tryFindChild(id);
  if (!node) {
    throw new Error(`Control Tower exemption ${exemption.control} names ${stage.node.path}/${exemption.constructPath}, which does not exist: `
      + 'fix the path or remove the exemption from lib/compliance/control-tower-exemptions.ts');
  }
  return node;
}

/**
 * Registers the Control Tower controls on the App, beside the nag packs, and acknowledges each
 * exemption that holds in a stage's environment on exactly the construct it names. Any other
 * finding fails `app.synth()` (and `cdk synth`).
 */
export function registerControlTowerChecks(
  app: App, stages: readonly AiInfraStage[], exemptions: readonly ControlTowerExemption[] = CONTROL_TOWER_EXEMPTIONS,
): void {
  Validations.of(app).addPlugins(new ControlTowerChecks());
  for (const stage of stages) {
    for (const exemption of exemptionsFor(stage.config, exemptions)) {
      Validations.of(exemptedConstruct(stage, exemption)).acknowledge({
        id: controlTowerAcknowledgementId(controlTowerControl(exemption.control)),
        reason: exemption.reason,
      });
    }
  }
}
