import { DescribeAutoScalingGroupsCommand, DescribeScalingActivitiesCommand, SetDesiredCapacityCommand } from '@aws-sdk/client-auto-scaling';
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeFleetsCommand, ModifyFleetCommand } from '@aws-sdk/client-ec2';
import { CreateTrainingJobCommand, DescribeTrainingJobCommand, StopTrainingJobCommand } from '@aws-sdk/client-sagemaker';
import { NodeReport } from '../../lib/runtime/training/launcher-files';
import { EXIT_FAILED, EXIT_OK, runTrain } from '../../scripts/train/cli';
import { ARTIFACTS, FLEET, GROUP, autoScaling, clients, ec2, logs, objects, resetWorld, sageMaker, testIo } from './train-fixtures';

beforeEach(resetWorld);

const run = (argv: string[], io = testIo()) => runTrain(argv, io, () => clients()).then((code) => ({ code, io }));

function report(runId: string, instanceId: string, state: NodeReport['state'], extra: Partial<NodeReport> = {}): void {
  const body: NodeReport = { instanceId, state, rank: 0, attempt: 1, exitCode: -1, message: state, updatedAt: '2026-05-01T12:05:00Z', ...extra };
  objects.set(`${ARTIFACTS}/training-runs/${runId}/nodes/${instanceId}.json`, Buffer.from(JSON.stringify(body)));
}

describe('status', () => {
  test('a cluster run: its nodes\' reports, its capacity, and the latest failed launch in AWS\'s words', async () => {
    await run(['start', '--env', 'dev', '--on', 'cluster', '--run', 'c1', '--nodes', '2']);
    report('c1', 'i-1', 'running');
    autoScaling.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [{ AutoScalingGroupName: GROUP, DesiredCapacity: 2, MaxSize: 2, MinSize: 0, Instances: [{ InstanceId: 'i-1', LifecycleState: 'InService' }] } as never] });
    autoScaling.on(DescribeScalingActivitiesCommand).resolves({ Activities: [{
      StatusCode: 'Failed', StatusMessage: 'We currently do not have sufficient g5.12xlarge capacity in the Availability Zone you requested (eu-central-1a).',
    } as never] });
    const { code, io } = await run(['status', 'c1', '--env', 'dev']);
    expect(code).toBe(EXIT_OK);
    expect(JSON.parse(io.out[0])).toEqual(expect.objectContaining({
      run: 'c1', target: 'cluster', state: 'running', nodes: 2, active: true,
      capacity: { desired: 2, running: 1, problem: 'We currently do not have sufficient g5.12xlarge capacity in the Availability Zone you requested (eu-central-1a).' },
      reports: [expect.objectContaining({ instanceId: 'i-1', state: 'running' })],
    }));
  });

  test('a run with its output is completed', async () => {
    await run(['start', '--env', 'dev', '--run', 's1']);
    report('s1', 'i-1', 'completed');
    objects.set(`${ARTIFACTS}/training-output/s1/output/model.tar.gz`, Buffer.from('model'));
    expect(JSON.parse((await run(['status', 's1', '--env', 'dev'])).io.out[0]).state).toBe('completed');
  });

  test('a run whose nodes all ended, one failed, is failed, and the command exits 1', async () => {
    await run(['start', '--env', 'dev', '--run', 's2']);
    report('s2', 'i-1', 'failed', { exitCode: 3, message: 'the job exited 3 (attempt 3 of 3)' });
    const { code, io } = await run(['status', 's2', '--env', 'dev']);
    expect(code).toBe(EXIT_FAILED);
    expect(JSON.parse(io.out[0]).state).toBe('failed');
  });

  test('without a run: the active runs of the cluster and the fleet with their capacity', async () => {
    await run(['start', '--env', 'dev', '--run', 's3']);
    ec2.on(DescribeFleetsCommand).resolves({ Fleets: [{ FleetId: FLEET, TargetCapacitySpecification: { TotalTargetCapacity: 1 }, FulfilledCapacity: 0, Errors: [{ ErrorCode: 'InsufficientInstanceCapacity', ErrorMessage: 'There is no Spot capacity available that matches your request.' }] } as never] });
    const { io } = await run(['status', '--env', 'dev']);
    expect(JSON.parse(io.out[0])).toEqual({
      active: [
        { target: 'cluster', run: null, capacity: { desired: 0, running: 0, max: 2 } },
        { target: 'spot', run: 's3', capacity: { desired: 1, running: 0, problem: 'InsufficientInstanceCapacity: There is no Spot capacity available that matches your request.' } },
      ],
    });
  });

  test('a SageMaker run: the job\'s status, secondary status and failure reason', async () => {
    sageMaker.on(CreateTrainingJobCommand).resolves({});
    await run(['start', '--env', 'dev', '--on', 'sagemaker', '--run', 'sm']);
    sageMaker.on(DescribeTrainingJobCommand).resolves({
      TrainingJobStatus: 'Failed', SecondaryStatus: 'Failed', FailureReason: 'AlgorithmError: exit 1', ResourceConfig: { InstanceType: 'ml.g5.12xlarge', InstanceCount: 1, VolumeSizeInGB: 100 },
      EnableManagedSpotTraining: true, BillableTimeInSeconds: 120,
    } as never);
    const { code, io } = await run(['status', 'sm', '--env', 'dev']);
    expect(code).toBe(EXIT_FAILED);
    expect(JSON.parse(io.out[0])).toEqual(expect.objectContaining({ run: 'sm', target: 'sagemaker', state: 'failed', failureReason: 'AlgorithmError: exit 1', spot: true, billableSeconds: 120 }));
  });
});

describe('stop', () => {
  test('asks the nodes to stop, waits for their reports, then releases the cluster and clears its active run', async () => {
    await run(['start', '--env', 'dev', '--on', 'cluster', '--run', 'c1']);
    report('c1', 'i-1', 'running');
    let polls = 0;
    const io = testIo({ sleep: async () => { polls += 1; if (polls === 2) report('c1', 'i-1', 'stopped'); } });
    const { code } = await run(['stop', 'c1', '--env', 'dev'], io);
    expect(code).toBe(EXIT_OK);
    expect(objects.has(`${ARTIFACTS}/training-runs/c1/stop`)).toBe(true);
    expect(polls).toBe(2);
    expect(autoScaling.commandCalls(SetDesiredCapacityCommand).map((c) => c.args[0].input.DesiredCapacity)).toEqual([1, 0]);
    expect(objects.has(`${ARTIFACTS}/training-runs/active/cluster.env`)).toBe(false);
    expect(io.err.at(-1)).toBe(`stopped c1; its checkpoints stay in s3://dev-checkpoints/checkpoints/c1/: resume it with npm run train -- start --on cluster --run c1 --env dev`);
  });

  test('releases the capacity after --timeout even when a node never reports, and says so', async () => {
    await run(['start', '--env', 'dev', '--run', 's1']);
    report('s1', 'i-9', 'running');
    const { io } = await run(['stop', 's1', '--env', 'dev', '--timeout', '30']);
    expect(io.err[0]).toBe('nodes i-9 did not report within 30 s; releasing the capacity anyway (they get SIGTERM on termination)');
    expect(ec2.commandCalls(ModifyFleetCommand).map((c) => c.args[0].input.TargetCapacitySpecification?.TotalTargetCapacity)).toEqual([1, 0]);
  });

  test('leaves the capacity alone when another run holds it now', async () => {
    await run(['start', '--env', 'dev', '--run', 'old']);
    report('old', 'i-1', 'completed');
    await run(['start', '--env', 'dev', '--run', 'new']);
    await run(['stop', 'old', '--env', 'dev']);
    expect(ec2.commandCalls(ModifyFleetCommand).map((c) => c.args[0].input.TargetCapacitySpecification?.TotalTargetCapacity)).toEqual([1, 1]);
  });

  test('a SageMaker run is stopped with StopTrainingJob', async () => {
    sageMaker.on(CreateTrainingJobCommand).resolves({});
    await run(['start', '--env', 'dev', '--on', 'sagemaker', '--run', 'sm']);
    await run(['stop', 'sm', '--env', 'dev']);
    expect(sageMaker.commandCalls(StopTrainingJobCommand)[0].args[0].input).toEqual({ TrainingJobName: 'sm' });
  });
});

describe('logs', () => {
  test('prints the run\'s events from its streams, in time order', async () => {
    await run(['start', '--env', 'dev', '--run', 's1']);
    logs.on(FilterLogEventsCommand).resolves({ events: [
      { eventId: '2', timestamp: 2, logStreamName: 's1/i-1/job', message: 'step 1\n' },
      { eventId: '1', timestamp: 1, logStreamName: 's1/i-1/launcher', message: 'running: rank 0 of 1' },
    ] });
    const { io } = await run(['logs', 's1', '--env', 'dev']);
    expect(io.out).toEqual(['s1/i-1/launcher running: rank 0 of 1', 's1/i-1/job step 1']);
    expect(logs.commandCalls(FilterLogEventsCommand)[0].args[0].input).toEqual(expect.objectContaining({ logGroupName: 'dev-Training-RuntimeLogs', logStreamNamePrefix: 's1/' }));
  });

  test('--follow polls until the run has ended, printing each event once', async () => {
    await run(['start', '--env', 'dev', '--run', 's1']);
    report('s1', 'i-1', 'running');
    logs.on(FilterLogEventsCommand)
      .resolvesOnce({ events: [{ eventId: '1', timestamp: 1, logStreamName: 's1/i-1/job', message: 'a' }] })
      .resolves({ events: [{ eventId: '1', timestamp: 1, logStreamName: 's1/i-1/job', message: 'a' }, { eventId: '2', timestamp: 2, logStreamName: 's1/i-1/job', message: 'b' }] });
    const io = testIo({ sleep: async () => { report('s1', 'i-1', 'completed'); objects.set(`${ARTIFACTS}/training-output/s1/output/model.tar.gz`, Buffer.from('m')); } });
    await run(['logs', 's1', '--env', 'dev', '--follow', '--node', 'i-1'], io);
    expect(io.out).toEqual(['s1/i-1/job a', 's1/i-1/job b']);
    expect(logs.commandCalls(FilterLogEventsCommand)[0].args[0].input.logStreamNamePrefix).toBe('s1/i-1/');
  });

  test('a SageMaker run\'s logs come from SageMaker\'s log group', async () => {
    sageMaker.on(CreateTrainingJobCommand).resolves({});
    await run(['start', '--env', 'dev', '--on', 'sagemaker', '--run', 'sm']);
    logs.on(FilterLogEventsCommand).resolves({ events: [] });
    await run(['logs', 'sm', '--env', 'dev']);
    expect(logs.commandCalls(FilterLogEventsCommand)[0].args[0].input).toEqual(expect.objectContaining({ logGroupName: '/aws/sagemaker/TrainingJobs', logStreamNamePrefix: 'sm/' }));
  });
});
