import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The SageMaker training jobs' entry point (lib/runtime/training/sagemaker-entry.sh) in a
 * directory laid out as SageMaker lays out /opt/ml: the `code` channel's archive under
 * input/data/code/, and input/config/resourceconfig.json as SageMaker documents it
 * ({"current_host": "algo-1", "hosts": ["algo-1", "algo-2"], ...},
 * https://docs.aws.amazon.com/sagemaker/latest/dg/your-algorithms-training-algo-running-container.html).
 */
// These tests run tar and bash; a busy machine makes them slow, never wrong.
jest.setTimeout(60_000);

const ENTRY = join(__dirname, '../../lib/runtime/training/sagemaker-entry.sh');

function jobOn(currentHost: string, hosts: string[]) {
  const root = mkdtempSync(join(tmpdir(), 'sagemaker-ml-'));
  for (const dir of ['input/config', 'input/data/code', 'bin', 'src']) mkdirSync(join(root, dir), { recursive: true });
  writeFileSync(join(root, 'input/config/resourceconfig.json'), JSON.stringify({ current_host: currentHost, hosts, network_interface_name: 'eth0' }));
  writeFileSync(join(root, 'src', 'show.sh'), 'echo "pwd=$(pwd) rank=$NODE_RANK nodes=$NNODES master=$MASTER_ADDR rdzv=$RDZV_ENDPOINT gpus=$NPROC_PER_NODE ckpt=$CHECKPOINT_DIR model=$SM_MODEL_DIR data=$SM_CHANNEL_TRAINING"\n');
  spawnSync('tar', ['-czf', join(root, 'input/data/code/sourcedir.tar.gz'), '-C', join(root, 'src'), '.']);
  writeFileSync(join(root, 'bin', 'nvidia-smi'), '#!/usr/bin/env bash\necho "GPU 0: NVIDIA A10G"\necho "GPU 1: NVIDIA A10G"\n');
  chmodSync(join(root, 'bin', 'nvidia-smi'), 0o755);
  return (env: Record<string, string>) => ({
    root,
    result: spawnSync('bash', [ENTRY], { env: { PATH: `${join(root, 'bin')}:${process.env.PATH}`, HOME: root, ML_ROOT: root, ...env }, encoding: 'utf8' }),
  });
}

describe('sagemaker-entry.sh', () => {
  test('runs the command from the extracted code with the contract\'s environment; the sorted hosts give ranks and the master', () => {
    const { root, result } = jobOn('algo-2', ['algo-2', 'algo-1'])({ TRAINING_COMMAND: 'exec bash show.sh' });
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe(`pwd=${root}/code rank=1 nodes=2 master=algo-1 rdzv=algo-1:29400 gpus=2 `
      + `ckpt=${root}/checkpoints model=${root}/model data=${root}/input/data/training`);
  });

  test('a single host is rank 0 of 1 and its own master', () => {
    const { result } = jobOn('algo-1', ['algo-1'])({ TRAINING_COMMAND: 'exec bash show.sh' });
    expect(result.stdout).toContain('rank=0 nodes=1 master=algo-1');
  });

  test('without TRAINING_COMMAND it fails saying so', () => {
    const { result } = jobOn('algo-1', ['algo-1'])({});
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('TRAINING_COMMAND must be set in the training job Environment');
  });
});
