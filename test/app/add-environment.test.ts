import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { baseConfig, defineEnvironment, ENVIRONMENTS, selectEnvironments } from '../../lib/config';
import { AiInfraStage } from '../../lib/stacks/ai-infra-stage';
import { DEFAULT_SERVICE } from '../../lib/stacks/service-names';

/** An environment added as the README says: one file of overrides on the base, listed in ENVIRONMENTS. */
const qa = defineEnvironment(baseConfig, 'qa', {
  tags: { costCenter: 'ml-qa-1004' },
  inference: { [DEFAULT_SERVICE]: { fleet: { maxCapacity: 2 } } },
  budget: { monthlyLimitUsd: 800 },
});

describe('adding an environment', () => {
  const environments = [...ENVIRONMENTS, qa];
  const [selected] = selectEnvironments('qa', environments);
  const app = new App();
  const stage = new AiInfraStage(app, selected.name, { config: selected });
  const stacks = stage.node.findAll().filter(Stack.isStack);

  test('is selected and validated like the others', () => {
    expect(selected).toBe(qa);
  });

  test('gets every stack, named after it', () => {
    expect(stacks.map((s) => s.stackName).sort()).toEqual(['qa-AiInference', 'qa-Cost', 'qa-Network', 'qa-Training']);
  });

  test('takes the base for what it does not override', () => {
    expect([qa.inference[DEFAULT_SERVICE].fleet.instanceTypes, qa.network]).toEqual([baseConfig.inference[DEFAULT_SERVICE].fleet.instanceTypes, baseConfig.network]);
  });

  test('its resources carry its name as the environment tag and in their physical names', () => {
    const template = Template.fromStack(stage.inference);
    template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/ai/inference/qa/sentiment' });
    template.hasResourceProperties('AWS::SQS::Queue', { Tags: [{ Key: 'cost_center', Value: 'ml-qa-1004' }, { Key: 'environment', Value: 'qa' }, { Key: 'project', Value: 'ai-infra' }, { Key: 'team', Value: 'ml-platform' }] });
  });

  test('its overrides reach its stacks', () => {
    Template.fromStack(stage.inference).hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { MaxSize: '2' });
  });
});
