import { App } from 'aws-cdk-lib';
import { ENVIRONMENTS } from '../../lib/config';
import { AiInfraStage } from '../../lib/stacks/ai-infra-stage';
import { FakeCloudFormation, StackTemplate, customNameOf, isRetained } from '../helpers/fake-cloudformation';
import { FakeLambdaAccount } from '../helpers/fake-lambda';
import { templatesOf } from '../helpers/synth-stage';

/** Every environment's stacks, by CloudFormation stack name (`<env>-<Stack>`), in deployment order. */
const app = new App();
const stacks: Array<[string, StackTemplate]> = ENVIRONMENTS.flatMap((config) => {
  const stage = new AiInfraStage(app, config.name, { config });
  return Object.entries(templatesOf(stage)).map(([id, template]): [string, StackTemplate] => [`${config.name}-${id}`, template.toJSON() as StackTemplate]);
});

/** The same templates with one custom-named resource fixed to a name, as main had them. */
function withFixedName(templates: Array<[string, StackTemplate]>, type: string, property: string): Array<[string, StackTemplate]> {
  return templates.map(([name, template]) => [name, {
    Resources: Object.fromEntries(Object.entries(template.Resources).map(([id, r]) => [
      id, r.Type === type && isRetained(r) ? { ...r, Properties: { ...r.Properties, [property]: `${name}-${id}` } } : r,
    ])),
  }]);
}

describe('the fake account, on CloudFormation\'s documented cases', () => {
  const logGroup = (name: unknown, DeletionPolicy?: string): StackTemplate => ({
    Resources: { Logs: { Type: 'AWS::Logs::LogGroup', DeletionPolicy, Properties: { LogGroupName: name } } },
  });

  test('a retained log group with a custom name fails the stack created again: the name is taken', () => {
    const account = new FakeCloudFormation();
    account.createStack('app', logGroup('/app/logs', 'Retain'));
    account.deleteStack('app');
    expect(() => account.createStack('app', logGroup('/app/logs', 'Retain'))).toThrow(/Logs \(AWS::Logs::LogGroup\) \/app\/logs already exists/);
  });

  test('a deleted one frees its name', () => {
    const account = new FakeCloudFormation();
    account.createStack('app', logGroup('/app/logs'));
    account.deleteStack('app');
    expect(() => account.createStack('app', logGroup('/app/logs'))).not.toThrow();
  });

  test('a name built from AWS::StackId is new with each creation of the stack', () => {
    const account = new FakeCloudFormation();
    const name = { 'Fn::Join': ['', ['/app/', { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] }]] };
    const first = account.createStack('app', logGroup(name, 'Retain'));
    account.deleteStack('app');
    const second = account.createStack('app', logGroup(name, 'Retain'));
    expect(customNameOf(logGroup(name).Resources.Logs, second)).not.toBe(customNameOf(logGroup(name).Resources.Logs, first));
  });

  test('the stack id has the documented shape', () => {
    expect(new FakeCloudFormation().createStack('teststack', { Resources: {} }).stackId)
      .toMatch(/^arn:aws:cloudformation:[a-z0-9-]+:\d{12}:stack\/teststack\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });
});

describe('an environment destroyed and deployed again', () => {
  const deployAll = (account: FakeCloudFormation, templates: Array<[string, StackTemplate]>) => templates.forEach(([name, t]) => account.createStack(name, t));
  const destroyAll = (account: FakeCloudFormation, templates: Array<[string, StackTemplate]>) => [...templates].reverse().forEach(([name]) => account.deleteStack(name));

  test('every environment deploys into one account, is destroyed, and deploys again: no retained name collides', () => {
    const account = new FakeCloudFormation();
    deployAll(account, stacks);
    destroyAll(account, stacks);
    expect(() => deployAll(account, stacks)).not.toThrow();
  });

  test.each([['AWS::Backup::BackupVault', 'BackupVaultName'], ['AWS::Logs::LogGroup', 'LogGroupName']])(
    'with the %s names fixed (main before the fix) the second deploy fails',
    (type, property) => {
      const fixed = withFixedName(stacks, type, property);
      const account = new FakeCloudFormation();
      deployAll(account, fixed);
      destroyAll(account, fixed);
      expect(() => deployAll(account, fixed)).toThrow(/already exists/);
    },
  );

  test('every retained resource that names itself gets a new name in each deployment', () => {
    const retainedNamed = stacks.flatMap(([stackName, template]) => Object.values(template.Resources)
      .filter((r) => isRetained(r) && customNameOf(r, { stackName, stackId: 'arn:aws:cloudformation:eu-central-1:123456789012:stack/x/a' }) !== undefined)
      .map((r) => ({ stackName, r })));
    expect(retainedNamed.map(({ r }) => r.Type).sort()).toEqual(expect.arrayContaining(['AWS::Backup::BackupVault', 'AWS::Logs::LogGroup']));
    for (const { stackName, r } of retainedNamed) {
      const at = (uuid: string) => customNameOf(r, { stackName, stackId: `arn:aws:cloudformation:eu-central-1:123456789012:stack/${stackName}/${uuid}` });
      expect(at('51af3dc0-da77-11e4-872e-000000000001')).not.toBe(at('51af3dc0-da77-11e4-872e-000000000002'));
    }
  });
});

describe('Lambda concurrency in a new account', () => {
  const functions = stacks.flatMap(([, template]) => Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function'));

  test('the app has functions to check', () => {
    expect(functions.length).toBeGreaterThan(0);
  });

  test('every function of every environment deploys into an account whose quota is 10', () => {
    const account = new FakeLambdaAccount(10);
    expect(() => functions.forEach((f) => account.createFunction(f.Properties?.ReservedConcurrentExecutions as number | undefined))).not.toThrow();
  });

  test('a reservation of 1, as the idle shutdown had, is refused there (the fake holds Lambda\'s rule)', () => {
    expect(() => new FakeLambdaAccount(10).createFunction(1)).toThrow(/below its minimum value of \[10\]/);
  });

  test('an account with the default quota of 1,000 may reserve up to 900', () => {
    const account = new FakeLambdaAccount(1000);
    account.createFunction(900);
    expect(() => account.createFunction(1)).toThrow(/below its minimum value of \[100\]/);
  });
});
