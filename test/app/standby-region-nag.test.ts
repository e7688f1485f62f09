import { App } from 'aws-cdk-lib';
import { registerControlTowerChecks } from '../../lib/compliance/register-control-tower';
import { ENVIRONMENTS } from '../../lib/config';
import { registerNagPacks } from '../../lib/nag/register-nag-packs';
import { AiInfraStage } from '../../lib/stacks/ai-infra-stage';
import { STACK_IDS } from '../../lib/stacks/stack-names';
import { cdkJsonContext } from '../../scripts/nag-acknowledgements';
import { synthWithNag } from '../helpers/nag';
import { standbyEnvironment } from '../helpers/standby';

describe('an environment with a standby Region, its model published and its endpoint there too, under every nag pack and the Control Tower controls', () => {
  const config = standbyEnvironment(ENVIRONMENTS);
  const app = new App({ context: cdkJsonContext() });
  const stage = new AiInfraStage(app, config.name, { config });
  registerNagPacks(app, [stage]);
  registerControlTowerChecks(app);
  const result = synthWithNag(app);

  test('synthesizes with no finding', () => {
    expect([result.findings.map((f) => `${f.pluginName} ${f.ruleName} at ${f.constructPath}`), result.error?.message]).toEqual([[], undefined]);
  });

  test('holds the standby Region\'s network, inference and endpoint stacks', () => {
    const stacks = result.assembly?.nestedAssemblies.flatMap((n) => n.nestedAssembly.stacks) ?? [];
    const standby = stacks.filter((s) => s.environment.region === config.secondaryRegion).map((s) => s.hierarchicalId).sort();
    expect(standby).toEqual([STACK_IDS.standbyInference, STACK_IDS.standbyEndpoint, STACK_IDS.standbyNetwork].map((id) => `${config.name}/${id}`).sort());
  });
});
