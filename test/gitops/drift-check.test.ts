import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import {
  CloudFormationClient,
  CloudFormationServiceException,
  DescribeStackDriftDetectionStatusCommand,
  DescribeStackResourceDriftsCommand,
  DescribeStacksCommand,
  DetectStackDriftCommand,
  StackResourceDrift,
  StackStatus,
} from '@aws-sdk/client-cloudformation';
import { App, CfnResource, Stack, Stage } from 'aws-cdk-lib';
import { mockClient } from 'aws-sdk-client-mock';
import { DEFAULT_SERVICE } from '../../lib/stacks/service-names';
import { STACK_IDS, stackNameOf } from '../../lib/stacks/stack-names';
import { AssemblyStack, assemblyStacks } from '../../scripts/drift-check/assembly-stacks';
import { EXIT_FAILED, EXIT_USAGE, USAGE, run } from '../../scripts/drift-check/cli';
import { deployedStacks } from '../../scripts/drift-check/deployed-stacks';
import { operationalProperties } from '../../scripts/drift-check/operational-state';
import { classifyDrift } from '../../scripts/drift-check/stack-drift';
import { CfnTemplate } from '../../lib/foresight/stack-templates';
import { ENVIRONMENTS, baseConfig } from '../../lib/config';
import { synthStage } from '../helpers/synth-stage';

const cloudFormation = mockClient(CloudFormationClient);
beforeEach(() => cloudFormation.reset());

/** A stack with an SNS topic, or the resources given. */
function stack(scope: Stage | App, id: string, region?: string, resources: Record<string, { type: string; properties?: Record<string, unknown> }> = { Topic: { type: 'AWS::SNS::Topic' } }): Stack {
  const s = new Stack(scope, id, region ? { env: { region } } : {});
  Object.entries(resources).forEach(([logicalId, props]) => new CfnResource(s, logicalId, props).overrideLogicalId(logicalId));
  return s;
}

// An assembly shaped like the app's: a Stage per environment, the roles stack at the top. The
// inference stack holds a group with scheduled actions and an EC2 Fleet, as the app's do.
const dir = mkdtempSync(join(tmpdir(), 'drift-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const app = new App({ outdir: dir });
const dev = new Stage(app, 'dev');
stack(dev, STACK_IDS.network);
stack(dev, STACK_IDS.inference, 'eu-west-1', {
  Fleet: { type: 'AWS::AutoScaling::AutoScalingGroup', properties: { MinSize: '0', MaxSize: '2', DefaultInstanceWarmup: 120 } },
  ScaleUp: { type: 'AWS::AutoScaling::ScheduledAction', properties: { AutoScalingGroupName: { Ref: 'Fleet' }, MinSize: 1, Recurrence: '0 8 * * 1-5' } },
  Training: { type: 'AWS::EC2::EC2Fleet', properties: { TargetCapacitySpecification: { TotalTargetCapacity: 0, DefaultTargetCapacityType: 'spot' } } },
});
stack(app, 'AiInfraGitHubRoles');
app.synth();

const exists = (name: string, status: StackStatus = 'UPDATE_COMPLETE') =>
  cloudFormation.on(DescribeStacksCommand, { StackName: name }).resolves({ Stacks: [{ StackName: name, StackStatus: status, CreationTime: new Date() }] });
const missing = (name: string) => cloudFormation.on(DescribeStacksCommand, { StackName: name }).rejects(
  new CloudFormationServiceException({ name: 'ValidationError', $fault: 'client', $metadata: {}, message: `Stack with id ${name} does not exist` }),
);
const client = () => new CloudFormationClient({ region: 'eu-central-1' });
const named = (name: string): AssemblyStack => ({ stackName: name, template: {} });

describe('assemblyStacks', () => {
  test('lists the stacks of an environment\'s Stage: deployed name, region, template', () => {
    const stacks = assemblyStacks(dir, 'dev').sort((a, b) => a.stackName.localeCompare(b.stackName));
    expect(stacks.map(({ stackName, region }) => ({ stackName, region }))).toEqual([
      { stackName: stackNameOf('dev', STACK_IDS.inference), region: 'eu-west-1' },
      { stackName: stackNameOf('dev', STACK_IDS.network), region: undefined },
    ]);
    expect(Object.keys(stacks[0].template.Resources ?? {})).toEqual(expect.arrayContaining(['Fleet', 'ScaleUp', 'Training']));
  });

  test('lists a top-level stack by its id', () => {
    expect(assemblyStacks(dir, 'AiInfraGitHubRoles').map((s) => s.stackName)).toEqual(['AiInfraGitHubRoles']);
  });

  test('rejects a target the assembly does not hold, naming those it holds', () => {
    expect(() => assemblyStacks(dir, 'prod')).toThrow(`the cloud assembly in ${dir} has no stage or stack "prod": it has dev, AiInfraGitHubRoles`);
  });

  test('asks for a synth when there is no assembly', () => {
    expect(() => assemblyStacks(join(dir, 'none'), 'dev')).toThrow(`no cloud assembly in ${join(dir, 'none')}: run npx cdk synth first`);
  });
});

describe('deployedStacks', () => {
  const network = named('dev-Network');
  const inference = { ...named('dev-AiInference'), region: 'eu-west-1' };

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

/**
 * A DescribeStackResourceDrifts entry as the API reference documents it
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackResourceDrift.html):
 * the drifted properties as PropertyDifferences, each with a fully-qualified PropertyPath.
 */
function modified(logicalId: string, resourceType: string, ...differences: Array<[path: string, expected: string, actual: string]>): StackResourceDrift {
  return {
    StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/dev-AiInference/1',
    LogicalResourceId: logicalId,
    PhysicalResourceId: `${logicalId}-physical`,
    ResourceType: resourceType,
    StackResourceDriftStatus: 'MODIFIED',
    Timestamp: new Date(),
    PropertyDifferences: differences.map(([PropertyPath, ExpectedValue, ActualValue]) => ({ PropertyPath, ExpectedValue, ActualValue, DifferenceType: 'NOT_EQUAL' })),
  };
}

describe('drift-check', () => {
  const sleeps: number[] = [];
  beforeEach(() => {
    sleeps.length = 0;
    missing('dev-Network');
    exists('dev-AiInference');
    cloudFormation.on(DetectStackDriftCommand, { StackName: 'dev-AiInference' }).resolves({ StackDriftDetectionId: 'd-1' });
    cloudFormation.on(DescribeStackDriftDetectionStatusCommand, { StackDriftDetectionId: 'd-1' }).resolves({
      StackId: 'arn', StackDriftDetectionId: 'd-1', DetectionStatus: 'DETECTION_COMPLETE', StackDriftStatus: 'DRIFTED', Timestamp: new Date(),
    });
  });

  function runWith(argv: string[]) {
    const lines: string[] = [];
    let clock = 0;
    const result = run(argv, {
      cloudFormationFor: client,
      wait: { timeoutMs: 10_000, pollIntervalMs: 2000, sleep: async (ms) => { sleeps.push(ms); clock += ms; }, now: () => clock },
      print: (line) => lines.push(line),
    });
    return result.then((code) => ({ code, lines }));
  }
  const drifts = (...items: StackResourceDrift[]) => cloudFormation.on(DescribeStackResourceDriftsCommand, {
    StackName: 'dev-AiInference', StackResourceDriftStatusFilters: ['MODIFIED', 'DELETED', 'UNKNOWN'],
  }).resolves({ StackResourceDrifts: items });

  test('passes the deployed stacks that have not drifted, skipping those not deployed', async () => {
    drifts();
    const { code, lines } = await runWith(['dev', '--assembly', dir]);
    expect([code, lines]).toEqual([0, ['skip dev-Network: does not exist yet, nothing can have drifted', 'ok   dev-AiInference: no drift']]);
  });

  test('ignores, and lists, what the scheduled actions and modify-fleet change and the false DefaultInstanceWarmup drift', async () => {
    drifts(
      modified('Fleet', 'AWS::AutoScaling::AutoScalingGroup', ['/MinSize', '0', '1'], ['/DefaultInstanceWarmup', '120', 'null']),
      modified('Training', 'AWS::EC2::EC2Fleet', ['/TargetCapacitySpecification/TotalTargetCapacity', '0', '2']),
    );
    const { code, lines } = await runWith(['dev', '--assembly', dir]);
    expect(code).toBe(0);
    expect(lines.slice(1)).toEqual([
      'ignored dev-AiInference Fleet /MinSize: expected 0, actual 1 (NOT_EQUAL): operational state, set by the group\'s scheduled actions',
      'ignored dev-AiInference Fleet /DefaultInstanceWarmup: expected 120, actual null (NOT_EQUAL): operational state, a false drift CloudFormation reports (cloudformation-coverage-roadmap#1466)',
      'ignored dev-AiInference Training /TargetCapacitySpecification/TotalTargetCapacity: expected 0, actual 2 (NOT_EQUAL): operational state, set by aws ec2 modify-fleet to train, and by the idle shutdown',
      'ok   dev-AiInference: no drift (3 operational differences ignored)',
    ]);
  });

  test('fails on any other property of the same resources', async () => {
    drifts(
      modified('Fleet', 'AWS::AutoScaling::AutoScalingGroup', ['/MinSize', '0', '1'], ['/HealthCheckGracePeriod', '120', '600']),
      modified('Training', 'AWS::EC2::EC2Fleet', ['/TargetCapacitySpecification/DefaultTargetCapacityType', 'spot', 'on-demand']),
    );
    const { code, lines } = await runWith(['dev', '--assembly', dir]);
    expect(code).toBe(EXIT_FAILED);
    expect(lines.filter((line) => !line.startsWith('ignored') && !line.startsWith('skip'))).toEqual([
      'DRIFT dev-AiInference Fleet /HealthCheckGracePeriod: expected 120, actual 600 (NOT_EQUAL)',
      'DRIFT dev-AiInference Training /TargetCapacitySpecification/DefaultTargetCapacityType: expected spot, actual on-demand (NOT_EQUAL)',
      'FAIL dev-AiInference: drifted',
    ]);
  });

  test('fails on a deleted resource and a resource modified without listed differences', async () => {
    drifts({ ...modified('Training', 'AWS::EC2::EC2Fleet'), StackResourceDriftStatus: 'DELETED' }, modified('Topic', 'AWS::SNS::Topic'));
    const { code, lines } = await runWith(['dev', '--assembly', dir]);
    expect([code, lines.slice(1, 3)]).toEqual([EXIT_FAILED, ['DRIFT dev-AiInference Training (AWS::EC2::EC2Fleet) was deleted', 'DRIFT dev-AiInference Topic (AWS::SNS::Topic) was modified']]);
  });

  test('reports UNKNOWN resources without failing, as cdk drift does', async () => {
    drifts({ ...modified('Topic', 'AWS::SNS::Topic'), StackResourceDriftStatus: 'UNKNOWN', DriftStatusReason: 'Access denied' });
    const { code, lines } = await runWith(['dev', '--assembly', dir]);
    expect([code, lines.slice(1)]).toEqual([0, ['unknown dev-AiInference Topic: Access denied', 'ok   dev-AiInference: no drift']]);
  });

  test('waits for the detection to complete, polling every 2 s', async () => {
    drifts();
    cloudFormation.on(DescribeStackDriftDetectionStatusCommand, { StackDriftDetectionId: 'd-1' })
      .resolvesOnce({ StackId: 'arn', StackDriftDetectionId: 'd-1', DetectionStatus: 'DETECTION_IN_PROGRESS', Timestamp: new Date() })
      .resolves({ StackId: 'arn', StackDriftDetectionId: 'd-1', DetectionStatus: 'DETECTION_COMPLETE', StackDriftStatus: 'IN_SYNC', Timestamp: new Date() });
    const { code } = await runWith(['dev', '--assembly', dir]);
    expect([code, sleeps]).toEqual([0, [2000]]);
  });

  test('fails when the detection fails, with CloudFormation\'s reason', async () => {
    cloudFormation.on(DescribeStackDriftDetectionStatusCommand, { StackDriftDetectionId: 'd-1' }).resolves({
      StackId: 'arn', StackDriftDetectionId: 'd-1', DetectionStatus: 'DETECTION_FAILED', DetectionStatusReason: 'Failed to detect drift on resource [Fleet]', Timestamp: new Date(),
    });
    const { code, lines } = await runWith(['dev', '--assembly', dir]);
    expect([code, lines[1]]).toEqual([EXIT_FAILED, 'FAIL dev-AiInference: Error: drift detection of dev-AiInference failed: Failed to detect drift on resource [Fleet]']);
  });

  test('fails when the detection does not complete in time', async () => {
    cloudFormation.on(DescribeStackDriftDetectionStatusCommand, { StackDriftDetectionId: 'd-1' }).resolves({
      StackId: 'arn', StackDriftDetectionId: 'd-1', DetectionStatus: 'DETECTION_IN_PROGRESS', Timestamp: new Date(),
    });
    const { code, lines } = await runWith(['dev', '--assembly', dir]);
    expect([code, lines[1], sleeps.length]).toEqual([EXIT_FAILED, 'FAIL dev-AiInference: Error: drift detection of dev-AiInference did not complete within 10 s', 5]);
  });

  test('passes without detecting when nothing of the environment is deployed yet', async () => {
    missing('dev-AiInference');
    const { code, lines } = await runWith(['dev', '--assembly', dir]);
    expect([code, lines[lines.length - 1], cloudFormation.commandCalls(DetectStackDriftCommand)]).toEqual([0, 'no stack of dev is deployed yet: no drift', []]);
  });

  test('fails without detecting when it cannot tell what is deployed', async () => {
    cloudFormation.on(DescribeStacksCommand).rejects(new Error('ExpiredToken'));
    const { code, lines } = await runWith(['AiInfraGitHubRoles', '--assembly', dir]);
    expect([code, cloudFormation.commandCalls(DetectStackDriftCommand)]).toEqual([EXIT_FAILED, []]);
    expect(lines).toEqual(['drift-check: cannot tell which stacks of AiInfraGitHubRoles are deployed: Error: ExpiredToken']);
  });

  test('is a usage error for a target the assembly does not hold', async () => {
    const { code, lines } = await runWith(['qa', '--assembly', dir]);
    expect(code).toBe(EXIT_USAGE);
    expect(lines[0]).toMatch(/has no stage or stack "qa": it has dev, AiInfraGitHubRoles/);
  });

  test.each([
    [[], /^drift-check: name an environment or a stack id \(see --help\)$/],
    [['dev', 'prod'], /^drift-check: unexpected argument "prod" \(see --help\)$/],
    [['--env', 'dev'], /^drift-check: Unknown option '--env'.* \(see --help\)$/],
    [['dev', '--assembly'], /^drift-check: Option '--assembly <value>' argument missing \(see --help\)$/],
  ])('rejects %j in one line, calling nothing', async (argv, message) => {
    const { code, lines } = await runWith(argv);
    expect([code, lines, cloudFormation.calls()]).toEqual([EXIT_USAGE, [expect.stringMatching(message)], []]);
  });

  test('--help prints the usage and exits 0 without calling AWS', async () => {
    const { code, lines } = await runWith(['--help']);
    expect([code, lines, cloudFormation.calls()]).toEqual([0, [USAGE], []]);
  });

  test('reads cdk.out by default', async () => {
    const cwd = process.cwd();
    process.chdir(mkdtempSync(join(tmpdir(), 'no-assembly-')));
    try {
      const { code, lines } = await runWith(['dev']);
      expect([code, lines]).toEqual([EXIT_USAGE, ['drift-check: no cloud assembly in cdk.out: run npx cdk synth first (see --help)']]);
    } finally {
      process.chdir(cwd);
    }
  });
});

describe('operationalProperties of the app\'s templates', () => {
  // An environment whose one service has the night schedule (the base's), without the ML platform (not needed here).
  const [config] = ENVIRONMENTS;
  const service = { ...baseConfig.inference[DEFAULT_SERVICE], ...config.inference[DEFAULT_SERVICE], schedule: baseConfig.inference[DEFAULT_SERVICE].schedule };
  const { templates } = synthStage({ ...config, inference: { [DEFAULT_SERVICE]: service }, mlPlatform: { ...config.mlPlatform, enabled: false } });
  const json = (id: string) => templates[id].toJSON() as CfnTemplate;
  const idOf = (template: CfnTemplate, type: string) => Object.entries(template.Resources ?? {}).filter(([, r]) => r.Type === type).map(([id]) => id);

  test('the inference group, which the schedule targets: its capacity, and DefaultInstanceWarmup', () => {
    const template = json(STACK_IDS.inference);
    const [group] = idOf(template, 'AWS::AutoScaling::AutoScalingGroup');
    expect(operationalProperties(template).get(group)?.map((p) => p.path)).toEqual(['/MinSize', '/MaxSize', '/DesiredCapacity', '/DefaultInstanceWarmup']);
  });

  test('the training cluster\'s group, which no scheduled action targets: nothing, so its MinSize stays under the gate', () => {
    const template = json(STACK_IDS.training);
    const [group] = idOf(template, 'AWS::AutoScaling::AutoScalingGroup');
    const rules = operationalProperties(template);
    expect(rules.get(group)).toBeUndefined();
    const drift = { LogicalResourceId: group, ResourceType: 'AWS::AutoScaling::AutoScalingGroup', StackResourceDriftStatus: 'MODIFIED' as const, StackId: 's', Timestamp: new Date(),
      PropertyDifferences: [{ PropertyPath: '/MinSize', ExpectedValue: '0', ActualValue: '2', DifferenceType: 'NOT_EQUAL' as const }] };
    expect(classifyDrift([drift], rules).drifted).toEqual([`${group} /MinSize: expected 0, actual 2 (NOT_EQUAL)`]);
  });

  test('the spot training fleet: its target capacity only', () => {
    const template = json(STACK_IDS.training);
    const [fleet] = idOf(template, 'AWS::EC2::EC2Fleet');
    expect(operationalProperties(template).get(fleet)?.map((p) => p.path)).toEqual([
      '/TargetCapacitySpecification/TotalTargetCapacity', '/TargetCapacitySpecification/OnDemandTargetCapacity', '/TargetCapacitySpecification/SpotTargetCapacity',
    ]);
  });
});
