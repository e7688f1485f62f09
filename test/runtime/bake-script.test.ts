import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AGENT_NODE_MAJOR } from '../../lib/constructs/inference/agent-bundling';
import { BAKE_SCRIPT } from '../../lib/constructs/inference/baked-image';

const STUB = join(__dirname, 'sandbox/stub.sh');

/** Runs bake.sh with recording stubs for the commands that change the machine; returns its exit code and the calls. */
function bake(image: string, processor = 'gpu'): { status: number | null; calls: string[] } {
  const root = mkdtempSync(join(tmpdir(), 'bake-sandbox-'));
  try {
    mkdirSync(join(root, 'bin'));
    for (const command of ['aws', 'docker', 'dnf', 'systemctl']) symlinkSync(STUB, join(root, 'bin', command));
    const record = join(root, 'calls.log');
    const result = spawnSync('bash', [BAKE_SCRIPT], {
      env: { PATH: `${join(root, 'bin')}:${process.env.PATH}`, HOME: root, STUB_RECORD: record, CONTAINER_IMAGE: image, NODE_MAJOR: String(AGENT_NODE_MAJOR), PROCESSOR: processor },
      encoding: 'utf8',
    });
    return { status: result.status, calls: existsSync(record) ? readFileSync(record, 'utf8').trim().split('\n') : [] };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

describe('bake.sh', () => {
  test('installs the packages and pulls a public image without logging in', () => {
    expect(bake('public.ecr.aws/my-org/serving:1.0.0')).toEqual({
      status: 0,
      calls: [
        `dnf install -y -q amazon-efs-utils amazon-cloudwatch-agent nodejs${AGENT_NODE_MAJOR}`,
        'systemctl enable --now docker',
        'docker pull public.ecr.aws/my-org/serving:1.0.0',
      ],
    });
  });

  test('installs Docker too on Amazon Linux 2023, the parent image of a CPU fleet', () => {
    expect(bake('public.ecr.aws/my-org/serving:1.0.0-cpu', 'cpu').calls[0]).toBe(
      `dnf install -y -q amazon-efs-utils amazon-cloudwatch-agent nodejs${AGENT_NODE_MAJOR} docker`,
    );
  });

  test('refuses a processor it does not know, before it installs anything', () => {
    expect(bake('public.ecr.aws/my-org/serving:1.0.0', 'tpu')).toEqual({ status: 2, calls: [] });
  });

  test('logs in to a private ECR registry of the image\'s region, pulls, then logs out so no token stays in the image', () => {
    const image = '763104351884.dkr.ecr.eu-west-1.amazonaws.com/pytorch-inference:2.6.0-gpu';
    expect(bake(image).calls.slice(2)).toEqual([
      'aws ecr get-login-password --region eu-west-1',
      'docker login --username AWS --password-stdin 763104351884.dkr.ecr.eu-west-1.amazonaws.com < ecr-password',
      `docker pull ${image}`,
      'docker logout 763104351884.dkr.ecr.eu-west-1.amazonaws.com',
    ]);
  });

  test('refuses to run without the agent\'s Node.js major', () => {
    const result = spawnSync('bash', [BAKE_SCRIPT], { env: { PATH: process.env.PATH, CONTAINER_IMAGE: 'public.ecr.aws/my-org/serving:1.0.0', PROCESSOR: 'gpu' }, encoding: 'utf8' });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/NODE_MAJOR must name the Node.js major of the queue agent/);
  });

  test('refuses to run without an image', () => {
    const result = spawnSync('bash', [BAKE_SCRIPT], { env: { PATH: process.env.PATH }, encoding: 'utf8' });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/CONTAINER_IMAGE must name the serving image/);
  });
});
