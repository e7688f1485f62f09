import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { SandboxNode, TrainingSandbox } from './training-sandbox';

/**
 * Two launchers as shipped (lib/runtime/training/train-node.sh) on two "nodes" of a cluster run
 * of two nodes, on loopback addresses 127.0.0.2 and 127.0.0.1. They find each other without SSH
 * through the (fake) Auto Scaling and EC2 APIs, only once both are InService, agree on the
 * lowest private IP as the rendezvous host, and a torchrun-like rendezvous over real TCP
 * (torch is not installed here) proves both got consistent ranks and the same master.
 */
// A busy machine slows every process these drills start; they wait for conditions, never for a time.
jest.setTimeout(300_000);

const GROUP = 'training-cluster-group';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

interface Rendezvous { env: Record<string, string | null>; world: number[] }

describe('a two-node cluster run', () => {
  const sandbox = new TrainingSandbox('cluster', 4);
  const nodes: Record<string, SandboxNode> = {};
  let port = 0;
  let waitedAlone = false;
  const seen = (node: SandboxNode): Rendezvous => JSON.parse(readFileSync(join(node.root, 'opt/ml/model/rendezvous.json'), 'utf8')) as Rendezvous;

  beforeAll(async () => {
    port = await freePort();
    sandbox.startRun({ nodes: 2, command: 'exec python3 fake_torchrun.py', capacity: { kind: 'autoscaling', id: GROUP, metricGroupName: GROUP } });
    const members = (b: string) => ({
      autoScalingGroups: { [GROUP]: [{ instanceId: 'i-a', lifecycleState: 'InService' }, { instanceId: 'i-b', lifecycleState: b }, { instanceId: 'i-c', lifecycleState: 'Pending' }] },
      fleets: {},
      instances: { 'i-a': { privateIp: '127.0.0.2', state: 'running' }, 'i-b': { privateIp: '127.0.0.1', state: 'running' }, 'i-c': { privateIp: '127.0.0.3', state: 'pending' } },
    });
    sandbox.setCapacity(members('Pending'));
    for (const [name, ip] of [['a', '127.0.0.2'], ['b', '127.0.0.1']]) {
      // Each node has an EFA device, as an instance launched with an EFA interface does.
      mkdirSync(join(sandbox.root, 'nodes', name, 'dev/infiniband'), { recursive: true });
      writeFileSync(join(sandbox.root, 'nodes', name, 'dev/infiniband/uverbs0'), '');
      nodes[name] = await sandbox.boot(name, { instanceId: `i-${name}`, ip, instanceType: 'p4d.24xlarge' }, { MASTER_PORT: String(port) });
    }
    await sandbox.until('node a waiting for its peer, beating', () => sandbox.report('run-1', 'i-a')?.state === 'waiting-for-peers'
      && sandbox.awsCalls().some((call) => call.includes('--metric-name TrainingJobHeartbeat')));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    waitedAlone = sandbox.report('run-1', 'i-a')?.state === 'waiting-for-peers' && !sandbox.dockerCalls(nodes.a).some((c) => c.startsWith('docker run'));
    sandbox.setCapacity(members('InService'));
    await Promise.all(Object.values(nodes).map((node) => node.exited));
  });

  afterAll(() => sandbox.dispose());

  test('a node waits while its peer is not InService, its heartbeat already published', () => {
    expect(waitedAlone).toBe(true);
  });

  test('the lowest private IP hosts the rendezvous, and ranks follow the sorted addresses, not the instance ids', () => {
    expect([seen(nodes.b).env.NODE_RANK, seen(nodes.a).env.NODE_RANK]).toEqual(['0', '1']);
    for (const node of Object.values(nodes)) {
      expect(seen(node).env).toEqual(expect.objectContaining({
        NNODES: '2', MASTER_ADDR: '127.0.0.1', MASTER_PORT: String(port), RDZV_ENDPOINT: '127.0.0.1:29400', RUN_ID: 'run-1',
      }));
    }
  });

  test('both ranks met over TCP at the master: each knows the whole world', () => {
    expect(seen(nodes.a).world).toEqual([0, 1]);
    expect(seen(nodes.b).world).toEqual([0, 1]);
  });

  test('a Pending member (127.0.0.3) takes no part', () => {
    expect(Object.values(nodes).map((node) => seen(node).env.NNODES)).toEqual(['2', '2']);
    expect(sandbox.report('run-1', 'i-c')).toBeUndefined();
  });

  test('each node gets its GPUs, the contract\'s directories (mounted from its own disk) and NCCL over EFA with RDMA on p4d', () => {
    for (const node of Object.values(nodes)) {
      expect(seen(node).env).toEqual(expect.objectContaining({
        NPROC_PER_NODE: '4',
        CHECKPOINT_DIR: join(node.root, 'opt/ml/checkpoints'),
        SM_MODEL_DIR: join(node.root, 'opt/ml/model'),
        SM_CHANNEL_TRAINING: join(node.root, 'opt/ml/input/data/training'),
        FI_PROVIDER: 'efa',
        FI_EFA_USE_DEVICE_RDMA: '1',
      }));
    }
  });

  test('several nodes share the host network and get the EFA device', () => {
    for (const node of Object.values(nodes)) {
      const run = sandbox.dockerCalls(node).find((call) => call.startsWith('docker run')) ?? '';
      expect(run).toContain('--network host');
      expect(run).toContain('--device /dev/infiniband/uverbs0');
      expect(run).toContain('--ulimit memlock=-1');
    }
  });

  test('both completed; only rank 0 wrote the run\'s output', () => {
    expect(sandbox.report('run-1', 'i-b')).toEqual(expect.objectContaining({ state: 'completed', rank: 0 }));
    expect(sandbox.report('run-1', 'i-a')).toEqual(expect.objectContaining({ state: 'completed', rank: 1, message: 'rank 1 done' }));
    expect(sandbox.awsCalls().filter((call) => call.includes('/training-output/run-1/output/model.tar.gz') && call.startsWith('aws s3 cp'))).toHaveLength(1);
  });
});
