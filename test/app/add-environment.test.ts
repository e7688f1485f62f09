import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { baseConfig, defineEnvironment, ENVIRONMENTS, inferenceServicesOf, selectEnvironments } from '../../lib/config';
import { serviceLogGroupPrefix } from '../../lib/stacks/service-names';
import { STACK_IDS, stackNameOf } from '../../lib/stacks/stack-names';
import { checkBudget } from '../../lib/foresight/budget-check';
import { environmentStacks } from '../../lib/foresight/stack-templates';
import { COST_COMMAND_LINE, costSettingsOf } from '../../scripts/cost';
import { estimateEnvironment } from '../../scripts/foresight/estimate-environment';
import { synthForForesight } from '../../scripts/foresight/synth-environments';
import { nameNotIn } from '../helpers/environments';
import { realApp } from '../helpers/nag-app';
import { synthWithNag } from '../helpers/nag';

/**
 * An environment added as docs/environments.md's "Adding an environment" says: step 1's file of
 * overrides on the base, listed in ENVIRONMENTS (step 2), synthesized with every nag pack and
 * Control Tower control (step 3). The snippet is the page's; the name is one no environment has yet.
 */
const PAGE = readFileSync(join(__dirname, '../../docs/environments.md'), 'utf8');
const SNIPPET = "export const qa = defineEnvironment(baseConfig, 'qa', { tags: { costCenter: 'ml-qa-1004' }, budget: { monthlyLimitUsd: 2500 } });";
const name = nameNotIn(ENVIRONMENTS.map((c) => c.name), 'qa');
const added = defineEnvironment(baseConfig, name, { tags: { costCenter: 'ml-qa-1004' }, budget: { monthlyLimitUsd: 2500 } });
const environments = [...ENVIRONMENTS, added];

const { app, stages } = realApp({ environments, env: name });
const result = synthWithNag(app);
const stage = stages[name];

describe('adding an environment', () => {
  test('this test adds the environment of the page\'s snippet', () => {
    expect(PAGE).toContain(SNIPPET);
  });

  test('is selected and validated like the others', () => {
    expect(selectEnvironments(name, environments)).toEqual([added]);
  });

  test('synthesizes with every nag pack and Control Tower control clean', () => {
    expect([result.error, result.findings.filter((f) => f.severity === 'error')]).toEqual([undefined, []]);
  });

  test('gets every stack, named after it', () => {
    const expected = [STACK_IDS.network, STACK_IDS.inference, STACK_IDS.training, STACK_IDS.cost].map((id) => stackNameOf(name, id));
    expect(stage.node.findAll().filter(Stack.isStack).map((s) => s.stackName).sort()).toEqual(expected.sort());
  });

  test('takes the base for what it does not override', () => {
    expect([added.inference, added.network]).toEqual([baseConfig.inference, baseConfig.network]);
  });

  test('its resources carry its name as the environment tag and in their physical names', () => {
    const template = Template.fromStack(stage.inference);
    for (const [service, settings] of inferenceServicesOf(added)) {
      template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: `${serviceLogGroupPrefix(name, service)}/${settings.model.name}` });
    }
    template.hasResourceProperties('AWS::SQS::Queue', { Tags: [{ Key: 'cost_center', Value: 'ml-qa-1004' }, { Key: 'environment', Value: name }, { Key: 'project', Value: 'ai-infra' }, { Key: 'team', Value: 'ml-platform' }] });
  });

  test('its overrides reach its stacks', () => {
    Template.fromStack(stage.cost).hasResourceProperties('AWS::Budgets::Budget', { Budget: { BudgetLimit: { Amount: 2500, Unit: 'USD' } } });
  });
});

/**
 * What `npm run cost -- --env qa` says of it with its default flags: the environment as it runs
 * once its model is published (the state `npm run cost` estimates), one more synth of it alone.
 */
describe('what it costs', () => {
  const published = environmentStacks(synthForForesight([name], 'default', environments), name).stacks;
  const settings = costSettingsOf(parseArgs({ args: [], options: { ...COST_COMMAND_LINE.options, help: { type: 'boolean', default: false } } }).values);
  const { estimate, budget } = estimateEnvironment(added, inferenceServicesOf(added).map(([service]) => service), published, settings);

  test('the page\'s budget covers the expected monthly cost, so npm run cost passes', () => {
    expect([budget.status, budget.budgetUsd]).toEqual(['within', 2500]);
  });

  test('a budget below the estimate fails the check (the page\'s first example, $800, did)', () => {
    expect(checkBudget({ ...estimate, budgetUsd: 800 }).status).toBe('over');
  });
});
