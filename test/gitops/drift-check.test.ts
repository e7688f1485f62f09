import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { CloudFormationClient, CloudFormationServiceException, DescribeStacksCommand, StackStatus } from '@aws-sdk/client-cloudformation';
import { App, CfnResource, Stack, Stage } from 'aws-cdk-lib';
import { mockClient } from 'aws-sdk-client-mock';
import { STACK_IDS, stackNameOf } from '../../lib/stacks/stack-names';
import { assemblyStacks } from '../../scripts/drift-check/assembly-stacks';
import { EXIT_FAILED, EXIT_USAGE, parseArgs, run } from '../../scripts/drift-check/cli';
import { deployedStacks } from '../../scripts/drift-check/deployed-stacks';

const cloudFormation = mockClient(CloudFormationClient);
beforeEach(() => cloudFormation.reset());

/** A stack with one resource, so the template is valid. */
function stack(scope: Stage | App, id: string, region?: string): void {
  new CfnResource(new Stack(scope, id, region ? { env: { region } } : {}), 'Topic', { type: 'AWS::SNS::Topic' });
}

// An assembly shaped like the app's: a Stage per environment, the roles stack at the top.
const dir = mkdtempSync(join(tmpdir(), 'drift-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const app = new App({ outdir: dir });
const dev = new Stage(app, 'dev');
stack(dev, STACK_IDS.network);
stack(dev, STACK_IDS.inference, 'eu-west-1');
stack(app, 'AiInfraGitHubRoles');
app.synth();

const exists = (name: string, status: StackStatus = 'UPDATE_COMPLETE') =>
  cloudFormation.on(DescribeStacksCommand, { StackName: name }).resolves({ Stacks: [{ StackName: name, StackStatus: status, CreationTime: new Date() }] });
const missing = (name: string) => cloudFormation.on(DescribeStacksCommand, { StackName: name }).rejects(
  new CloudFormationServiceException({ name: 'ValidationError', $fault: 'client', $metadata: {}, message: `Stack with id ${name} does not exist` }),
);
const client = () => new CloudFormationClient({ region: 'eu-central-1' });

describe('assemblyStacks', () => {
  test('lists the stacks of an environment\'s Stage: the selector cdk drift takes and the deployed name', () => {
    const bySelector = (a: { selector: string }, b: { selector: string }) => a.selector.localeCompare(b.selector);
    expect(assemblyStacks(dir, 'dev').sort(bySelector)).toEqual([
      { selector: 'dev/AiInference', stackName: stackNameOf('dev', STACK_IDS.inference), region: 'eu-west-1' },
      { selector: 'dev/Network', stackName: stackNameOf('dev', STACK_IDS.network) },
    ]);
  });

  test('lists a top-level stack by its id', () => {
    expect(assemblyStacks(dir, 'AiInfraGitHubRoles')).toEqual([{ selector: 'AiInfraGitHubRoles', stackName: 'AiInfraGitHubRoles' }]);
  });

  test('rejects a target the assembly does not hold, naming those it holds', () => {
    expect(() => assemblyStacks(dir, 'prod')).toThrow(`the cloud assembly in ${dir} has no stage or stack "prod": it has dev, AiInfraGitHubRoles`);
  });

  test('asks for a synth when there is no assembly', () => {
    expect(() => assemblyStacks(join(dir, 'none'), 'dev')).toThrow(`no cloud assembly in ${join(dir, 'none')}: run npx cdk synth first`);
  });
});

describe('deployedStacks', () => {
  const network = { selector: 'dev/Network', stackName: 'dev-Network' };
  const inference = { selector: 'dev/AiInference', stackName: 'dev-AiInference', region: 'eu-west-1' };

  test('keeps the stacks CloudFormation holds', async () => {
    exists('dev-Network');
    exists('dev-AiInference', 'UPDATE_ROLLBACK_COMPLETE');
    await expect(deployedStacks(client, [network, inference])).resolves.toEqual({ deployed: [network, inference], notDeployed: [] });
  });

  test('skips a stack that does not exist yet', async () => {
    missing('dev-Network');
    exists('dev-AiInference');
    await expect(deployedStacks(client, [network, inference])).resolves.toEqual({
      deployed: [inference],
      notDeployed: [{ stack: network, reason: 'does not exist yet' }],
    });
  });

  test.each<[StackStatus]>([['REVIEW_IN_PROGRESS'], ['ROLLBACK_COMPLETE']])('skips a stack in %s: it holds no resource', async (status) => {
    exists('dev-Network', status);
    await expect(deployedStacks(client, [network])).resolves.toEqual({
      deployed: [],
      notDeployed: [{ stack: network, reason: `is ${status}: it holds no resource` }],
    });
  });

  test('asks CloudFormation in the stack\'s own region when it names one', async () => {
    exists('dev-Network');
    exists('dev-AiInference');
    const regions: Array<string | undefined> = [];
    await deployedStacks((region) => {
      regions.push(region);
      return client();
    }, [network, inference]);
    expect(regions).toEqual([undefined, 'eu-west-1']);
  });

  test('throws on any other error: a check that cannot look never passes', async () => {
    cloudFormation.on(DescribeStacksCommand).rejects(
      new CloudFormationServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: {}, message: 'not authorized to perform: cloudformation:DescribeStacks' }),
    );
    await expect(deployedStacks(client, [network])).rejects.toThrow('not authorized');
  });
});

describe('drift-check', () => {
  function runWith(argv: string[], cdkExitCode = 0) {
    const lines: string[] = [];
    const cdkCalls: Array<readonly string[]> = [];
    const result = run(argv, {
      cloudFormationFor: client,
      cdk: (args) => {
        cdkCalls.push(args);
        return cdkExitCode;
      },
      print: (line) => lines.push(line),
    });
    return result.then((code) => ({ code, lines, cdkCalls }));
  }

  test('runs cdk drift --fail on the deployed stacks of the environment, and only those', async () => {
    missing('dev-Network');
    exists('dev-AiInference');
    const { code, lines, cdkCalls } = await runWith(['dev', '--assembly', dir]);
    expect(cdkCalls).toEqual([['drift', '--app', dir, 'dev/AiInference', '--fail', '--no-notices']]);
    expect(lines).toEqual(['skip dev-Network: does not exist yet, nothing can have drifted']);
    expect(code).toBe(0);
  });

  test('returns cdk drift\'s exit code: drift fails the check', async () => {
    exists('dev-Network');
    exists('dev-AiInference');
    await expect(runWith(['dev', '--assembly', dir], 1)).resolves.toMatchObject({ code: 1 });
  });

  test('passes without calling cdk when nothing of the environment is deployed yet', async () => {
    missing('dev-Network');
    missing('dev-AiInference');
    const { code, lines, cdkCalls } = await runWith(['dev', '--assembly', dir]);
    expect([code, cdkCalls, lines[lines.length - 1]]).toEqual([0, [], 'no stack of dev is deployed yet: no drift']);
  });

  test('fails without calling cdk when it cannot tell what is deployed', async () => {
    cloudFormation.on(DescribeStacksCommand).rejects(new Error('ExpiredToken'));
    const { code, lines, cdkCalls } = await runWith(['AiInfraGitHubRoles', '--assembly', dir]);
    expect([code, cdkCalls]).toEqual([EXIT_FAILED, []]);
    expect(lines).toEqual(['drift-check: cannot tell which stacks of AiInfraGitHubRoles are deployed: Error: ExpiredToken']);
  });

  test('is a usage error for a target the assembly does not hold', async () => {
    const { code, lines } = await runWith(['qa', '--assembly', dir]);
    expect(code).toBe(EXIT_USAGE);
    expect(lines[0]).toMatch(/has no stage or stack "qa": it has dev, AiInfraGitHubRoles/);
  });

  test.each([
    [[], 'name an environment or a stack id'],
    [['dev', 'prod'], 'unexpected argument "prod"'],
    [['--env', 'dev'], 'unexpected argument "--env"'],
    [['dev', '--assembly'], '--assembly needs a directory'],
  ])('rejects %j: %s', async (argv, message) => {
    expect(parseArgs(argv)).toBe(message);
    const { code, lines } = await runWith(argv);
    expect([code, lines[0]]).toEqual([EXIT_USAGE, expect.stringContaining(`drift-check: ${message}\nusage: drift-check`)]);
  });

  test('reads cdk.out by default', () => {
    expect(parseArgs(['dev'])).toEqual({ target: 'dev', assembly: 'cdk.out' });
  });
});
