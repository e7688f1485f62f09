import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AGENT_NODE_MAJOR } from '../../lib/constructs/inference/agent-bundling';
import { FleetProcessor } from '../../lib/gpu/fleet-processor';
import { BootOutcome, BootSandbox, CONTINUE } from './boot-sandbox';

describe('boot.sh on an instance of a CPU fleet (Amazon Linux 2023)', () => {
  let sandbox: BootSandbox;
  let outcome: BootOutcome;

  beforeAll(async () => {
    sandbox = await BootSandbox.create({ processor: 'cpu' });
    sandbox.putModelArchive('valid');
    outcome = await sandbox.boot();
  });
  afterAll(() => sandbox.dispose());

  test('goes InService', () => {
    expect(outcome).toMatchObject({ exitCode: 0 });
    expect(sandbox.calls()).toContainEqual(expect.stringMatching(CONTINUE));
  });

  test('installs Docker with the packages: AL2023 has it in its core repositories, the Deep Learning AMI ships it', () => {
    expect(sandbox.calls().filter((call) => call.startsWith('dnf '))).toEqual([
      `dnf install -y -q amazon-efs-utils amazon-cloudwatch-agent nodejs${AGENT_NODE_MAJOR} docker`,
    ]);
  });

  test('starts the container without GPUs, per the SageMaker contract and restart always', () => {
    const run = sandbox.calls().find((call) => call.startsWith('docker run'));
    expect(run).not.toContain('--gpus');
    expect(run).toContain('--restart always -p 8080:8080');
    expect(run).toMatch(/ public\.ecr\.aws\/acme\/llm-server:1\.2 serve$/);
  });

  test('publishes no GPU metrics (EC2 publishes CPUUtilization itself) and still ships the logs', () => {
    const config = JSON.parse(readFileSync(join(sandbox.root, 'etc/ai-inference/cloudwatch-agent.json'), 'utf8'));
    expect(config.metrics).toBeUndefined();
    expect(config.logs.logs_collected.files.collect_list.map((file: { log_stream_name: string }) => file.log_stream_name))
      .toEqual(['{instance_id}/boot', '{instance_id}/agent', '{instance_id}/cloudwatch-agent']);
  });
});

describe('boot.sh with a processor it does not know', () => {
  test('refuses to boot, naming the value', async () => {
    const sandbox = await BootSandbox.create({ processor: 'tpu' as unknown as FleetProcessor });
    try {
      const outcome = await sandbox.boot();
      expect(outcome.exitCode).toBe(2);
      expect(outcome.output).toContain("PROCESSOR must be gpu or cpu, not 'tpu'");
      expect(sandbox.calls()).toEqual([]);
    } finally {
      await sandbox.dispose();
    }
  });
});
