import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { ENVIRONMENTS } from '../../lib/config';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, runTrain } from '../../scripts/train/cli';
import { COMMANDS } from '../../scripts/train/usage';
import { clients, cloudFormation, resetWorld, testIo } from './train-fixtures';

beforeEach(resetWorld);

const names = ENVIRONMENTS.map((c) => c.name);
const unknown = `${names.join('')}x`;

function run(argv: string[], io = testIo()) {
  const clientsFor = jest.fn(() => clients());
  return runTrain(argv, io, clientsFor).then((code) => ({ code, io, clientsFor }));
}

describe('npm run train --help', () => {
  test('prints the commands and exits 0', async () => {
    const { code, io } = await run(['--help']);
    expect(code).toBe(EXIT_OK);
    expect(io.out[0]).toMatch(/^usage: npm run train -- <command>/);
    expect(io.out[0]).toContain(`--env <${names.join('|')}>`);
  });

  test.each(COMMANDS.map((command) => [command]))('%s --help prints its usage, exits 0 and touches no AWS client', async (command) => {
    const { code, io, clientsFor } = await run([command, '--help']);
    expect(code).toBe(EXIT_OK);
    expect(io.out[0]).toMatch(new RegExp(`^usage: npm run train -- ${command}`));
    expect(io.err).toEqual([]);
    expect(clientsFor).not.toHaveBeenCalled();
  });
});

describe('usage errors exit 2 with one line, before any AWS call', () => {
  test.each([
    [[], /no command: start, status, logs, stop or publish/],
    [['train'], /unknown command "train"/],
    [['status'], /--env \(missing\) must be one of/],
    [['status', '--env', unknown], new RegExp(`--env \\(${unknown}\\) must be one of ${names.join(', ')}`)],
    [['status', '--env', names[0], '--colour'], /Unknown option '--colour'/],
    [['logs', '--env', names[0]], /logs takes one run name/],
    [['status', 'a', 'b', '--env', names[0]], /status takes at most one run name/],
    [['start', 'my-run', '--env', names[0]], /start takes no run name: name the run with --run/],
    [['start', '--env', names[0], '--on', 'laptop'], /--on \(laptop\) must be cluster, spot or sagemaker/],
    [['start', '--env', names[0], '--nodes', '0'], /--nodes \(0\) must be a whole number from 1 to/],
    [['start', '--env', names[0], '--on', 'cluster', '--nodes', '99'], new RegExp(`--nodes \\(99\\) must be a whole number from 1 to ${ENVIRONMENTS[0].training.cluster.maxNodes}`)],
    [['start', '--env', names[0], '--run', 'Has Space'], /--run \("Has Space"\) must be 1-63 letters, digits and hyphens/],
    [['start', '--env', names[0], '--run', 'ends-'], /--run \("ends-"\) must be 1-63/],
    [['start', '--env', names[0], '--max-runtime', '30'], /--max-runtime \(30\) must be a whole number from 60 to 2419200/],
    [['start', '--env', names[0], '--on', 'spot', '--instance-type', 'ml.g5.xlarge'], /--instance-type and --on-demand are for --on sagemaker/],
    [['start', '--env', names[0], '--on', 'sagemaker', '--instance-type', 'g5.xlarge'], /--instance-type \("g5\.xlarge"\) must be a SageMaker type starting with "ml\."/],
    [['start', '--env', names[0], '--on', 'sagemaker', '--command', 'x'.repeat(513)], /--command is 513 characters: a SageMaker job takes at most 512/],
    [['start', '--env', names[0], '--command', ' '], /--command is empty/],
    [['start', '--env', names[0], '--code', '/nonexistent/code'], /--code \(\/nonexistent\/code\) is not a directory/],
    [['start', '--env', names[0], '--data', 's3://elsewhere/x'], /--data \(s3:\/\/elsewhere\/x\) must be a prefix under datasets\//],
    [['stop', 'r', '--env', names[0], '--timeout', 'soon'], /--timeout \(soon\) must be a whole number of seconds/],
    [['publish', 'r', '--env', names[0]], /--version is required/],
    [['publish', 'r', '--env', names[0], '--version', 'a/b'], /--version \("a\/b"\)/],
    [['publish', 'r', '--env', names[0], '--version', '1', '--inference-code', '/nonexistent'], /--inference-code \(\/nonexistent\) is not a directory/],
  ] as Array<[string[], RegExp]>)('%j', async (argv, message) => {
    const { code, io, clientsFor } = await run(argv);
    expect(code).toBe(EXIT_USAGE);
    expect(io.err).toHaveLength(1);
    expect(io.err[0]).toMatch(message);
    expect(io.err[0]).toMatch(/\(npm run train -- (\w+ )?--help\)$/);
    expect(clientsFor).not.toHaveBeenCalled();
  });

  test('no region', async () => {
    const { code, io } = await run(['status', '--env', names[0]], testIo({ env: {} }));
    expect(code).toBe(EXIT_USAGE);
    expect(io.err[0]).toMatch(/no region: pass --region or set AWS_REGION/);
  });
});

describe('errors from AWS exit 1 with the fix', () => {
  test('a training stack that is not deployed says how to deploy it', async () => {
    cloudFormation.on(DescribeStacksCommand).rejects(Object.assign(new Error(`Stack with id ${names[0]}-Training does not exist`), { name: 'ValidationError' }));
    const { code, io } = await run(['status', '--env', names[0]]);
    expect(code).toBe(EXIT_FAILED);
    expect(io.err).toEqual([`train: stack ${names[0]}-Training is not deployed in this account and region: deploy it (npx cdk deploy -c env=${names[0]} ${names[0]}/Training) or pick another --env or --region`]);
  });

  test('missing credentials say how to log in', async () => {
    cloudFormation.on(DescribeStacksCommand).rejects(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }));
    const { code, io } = await run(['status', '--env', names[0]]);
    expect(code).toBe(EXIT_FAILED);
    expect(io.err[0]).toBe('train: no AWS credentials found (Could not load credentials from any providers): run aws configure or aws sso login, or set AWS_PROFILE');
  });

  test('an unknown run says where runs are', async () => {
    const { code, io } = await run(['status', 'nope', '--env', 'dev']);
    expect(code).toBe(EXIT_FAILED);
    expect(io.err[0]).toMatch(/^train: no run nope in dev: runs are recorded under s3:\/\/dev-artifacts\/training-runs\//);
  });
});
