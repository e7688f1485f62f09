/**
 * A stand-in for the AWS CLI v2 the training launcher calls: a training sandbox (see
 * training-sandbox.ts) serves it on loopback, and the `aws` on the launcher's PATH posts each
 * call's arguments there. Every call is recorded as "aws <args>". It answers:
 * - `s3 cp|sync|ls` on a directory per bucket under the sandbox's S3 directory (`cp` to `-` streams);
 * - `autoscaling describe-auto-scaling-groups`, `ec2 describe-fleet-instances` and
 *   `ec2 describe-instances` from the sandbox's capacity, in the shapes of the API reference
 *   (AutoScalingGroups[].Instances[].LifecycleState, ActiveInstances[].InstanceId,
 *   Reservations[].Instances[].State.Name / PrivateIpAddress), with `--query` evaluated by a real
 *   JMESPath implementation and `--output text` printed as the CLI does for a list of scalars:
 *   tab-separated on one line (https://docs.aws.amazon.com/cli/latest/userguide/cli-usage-output-format.html);
 * - `logs put-log-events` only with a JSON `--log-events` array of {timestamp, message};
 * - `cloudwatch put-metric-data`, `logs create-log-stream`: recorded; `ecr get-login-password`: a password.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { search } from 'jmespath';

/** The fake account's capacity: group members and their lifecycle state, fleet members, instances. */
export interface FakeAwsState {
  readonly autoScalingGroups: Record<string, Array<{ readonly instanceId: string; readonly lifecycleState: string }>>;
  readonly fleets: Record<string, string[]>;
  readonly instances: Record<string, { readonly privateIp: string; readonly state: string }>;
}

/** What the fake CLI reads and writes. */
export interface FakeAwsWorld {
  /** One directory per bucket. */
  readonly s3Dir: string;
  readonly state: () => FakeAwsState;
  /** Each call, and each log event sent, as a line. */
  readonly record: (line: string) => void;
}

/** What one CLI call printed and returned. */
export interface FakeAwsResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

class CliError extends Error {
  constructor(message: string, readonly exitCode: number) {
    super(message);
  }
}

function s3Path(world: FakeAwsWorld, uri: string): string {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match) throw new CliError(`fake aws: not an S3 URI: ${uri}`, 252);
  return join(world.s3Dir, match[1], match[2]);
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

function copy(source: string, destination: string): void {
  mkdirSync(dirname(destination), { recursive: true });
  cpSync(source, destination);
}

function s3(world: FakeAwsWorld, command: string, positionals: string[]): string {
  const [source, destination] = positionals;
  const local = (uri: string) => (uri.startsWith('s3://') ? s3Path(world, uri) : uri);
  if (command === 'ls') {
    const path = s3Path(world, source);
    if (!existsSync(path)) throw new CliError('', 1);
    return `2026-05-01 12:00:00 ${statSync(path).size} ${path.split('/').pop()}\n`;
  }
  if (command === 'cp') {
    if (!existsSync(local(source))) throw new CliError(`fatal error: An error occurred (404) when calling the HeadObject operation: Key "${source}" does not exist`, 1);
    if (destination === '-') return readFileSync(local(source), 'utf8');
    copy(local(source), local(destination));
    return '';
  }
  if (command === 'sync') {
    for (const file of filesUnder(local(source))) copy(file, join(local(destination), relative(local(source), file)));
    return '';
  }
  throw new CliError(`fake aws: s3 ${command} is not faked`, 252);
}

/** The API response of a describe call, shaped as the API reference documents it. */
function describe(world: FakeAwsWorld, call: string, option: (name: string) => string[]): unknown {
  const capacity = world.state();
  if (call === 'autoscaling describe-auto-scaling-groups') {
    return {
      AutoScalingGroups: option('--auto-scaling-group-names').filter((name) => capacity.autoScalingGroups[name]).map((name) => ({
        AutoScalingGroupName: name,
        Instances: capacity.autoScalingGroups[name].map((i) => ({ InstanceId: i.instanceId, LifecycleState: i.lifecycleState, HealthStatus: 'Healthy' })),
      })),
    };
  }
  if (call === 'ec2 describe-fleet-instances') {
    const [fleetId] = option('--fleet-id');
    const members = capacity.fleets[fleetId];
    if (!members) throw new CliError(`An error occurred (InvalidFleetId.NotFound) when calling the DescribeFleetInstances operation: ${fleetId}`, 254);
    return { FleetId: fleetId, ActiveInstances: members.map((id) => ({ InstanceId: id, InstanceType: 'g5.12xlarge', InstanceHealth: 'healthy' })) };
  }
  if (call === 'ec2 describe-instances') {
    const ids = option('--instance-ids');
    const missing = ids.find((id) => !capacity.instances[id]);
    if (missing) throw new CliError(`An error occurred (InvalidInstanceID.NotFound) when calling the DescribeInstances operation: The instance ID '${missing}' does not exist`, 254);
    // One reservation per instance, as instances launched one at a time get.
    return {
      Reservations: ids.map((id) => ({
        Instances: [{ InstanceId: id, PrivateIpAddress: capacity.instances[id].privateIp, State: { Code: capacity.instances[id].state === 'running' ? 16 : 48, Name: capacity.instances[id].state } }],
      })),
    };
  }
  throw new CliError(`fake aws: ${call} is not faked`, 252);
}

function text(value: unknown): string {
  if (value === null || value === undefined) return 'None\n';
  if (!Array.isArray(value)) return `${String(value)}\n`;
  if (value.some((v) => typeof v === 'object' && v !== null)) throw new CliError('fake aws: text output of nested values is not faked', 252);
  return value.length > 0 ? `${value.join('\t')}\n` : '';
}

function call(world: FakeAwsWorld, args: readonly string[]): string {
  const [service, command, ...rest] = args;
  // An option's values are the words after it up to the next option.
  const option = (name: string): string[] => {
    const at = rest.indexOf(name);
    if (at < 0) return [];
    const end = rest.findIndex((arg, i) => i > at && arg.startsWith('--'));
    return rest.slice(at + 1, end < 0 ? undefined : end);
  };
  switch (service) {
    case 's3':
      return s3(world, command, rest.filter((arg, i) => !arg.startsWith('--') && !(i > 0 && rest[i - 1].startsWith('--') && rest[i - 1] !== '--only-show-errors')));
    case 'autoscaling':
    case 'ec2': {
      const response = describe(world, `${service} ${command}`, option);
      const [query] = option('--query');
      const result = query === undefined ? response : search(response, query);
      return option('--output')[0] === 'text' ? text(result) : `${JSON.stringify(result)}\n`;
    }
    case 'logs':
      if (command === 'put-log-events') {
        const events = JSON.parse(option('--log-events')[0] ?? '[]') as Array<{ timestamp: number; message: string }>;
        if (!events.every((e) => Number.isInteger(e.timestamp) && typeof e.message === 'string')) throw new CliError('fake aws: --log-events must be [{timestamp, message}]', 252);
        for (const event of events) world.record(`log ${option('--log-stream-name')[0]}: ${event.message}`);
      }
      return '';
    case 'ecr':
      return 'ecr-password\n';
    case 'cloudwatch':
      return '';
    default:
      throw new CliError(`fake aws: ${service} is not faked`, 252);
  }
}

/** Runs one call of the CLI against `world`. */
export function runFakeAwsCli(world: FakeAwsWorld, args: readonly string[]): FakeAwsResult {
  world.record(`aws ${args.join(' ')}`);
  try {
    return { exitCode: 0, stdout: call(world, args), stderr: '' };
  } catch (error) {
    if (error instanceof CliError) return { exitCode: error.exitCode, stdout: '', stderr: error.message };
    if (error instanceof SyntaxError) return { exitCode: 252, stdout: '', stderr: `fake aws: ${error.message}` };
    throw error;
  }
}
