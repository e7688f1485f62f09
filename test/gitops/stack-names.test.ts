import { App, Stack, Stage } from 'aws-cdk-lib';
import { ENVIRONMENTS } from '../../lib/config';
import { AiInfraStage } from '../../lib/stacks/ai-infra-stage';
import { STACK_IDS, StackId, stackNameOf } from '../../lib/stacks/stack-names';

const IDS = Object.values(STACK_IDS);

describe('stackNameOf', () => {
  test.each(IDS)('names %s as a CDK Stage names a stack with that id', (id) => {
    const stage = new Stage(new App(), 'qa');
    expect(stackNameOf('qa', id)).toBe(new Stack(stage, id).stackName);
  });

  test('is <environment>-<stack id>', () => {
    expect(stackNameOf('staging', STACK_IDS.inference)).toBe('staging-AiInference');
  });
});

describe('STACK_IDS', () => {
  test('are distinct', () => {
    expect(new Set(IDS).size).toBe(IDS.length);
  });
});

describe('the app\'s Stage', () => {
  const config = ENVIRONMENTS[0];
  // Names only: no asset is bundled.
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stacks = new AiInfraStage(app, config.name, { config }).node.children.filter(Stack.isStack);

  test('builds its stacks with ids from STACK_IDS', () => {
    expect(stacks.map((stack) => stack.node.id).filter((id) => !IDS.includes(id as StackId))).toEqual([]);
  });

  test('names every stack as stackNameOf does', () => {
    expect(stacks.map((stack) => stack.stackName)).toEqual(stacks.map((stack) => stackNameOf(config.name, stack.node.id as StackId)));
  });

  test('builds the inference and training stacks the smoke check reads', () => {
    expect(stacks.map((stack) => stack.node.id)).toEqual(expect.arrayContaining([STACK_IDS.inference, STACK_IDS.training]));
  });
});
