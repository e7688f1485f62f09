import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AGENT_NODE_MAJOR } from '../../lib/constructs/inference/agent-bundling';
import { ABANDON, BootOutcome, BootSandbox, CONTINUE, HEARTBEAT, MODEL_KEY } from './boot-sandbox';

describe('boot.sh on the first instance of a model version', () => {
  let sandbox: BootSandbox;
  let outcome: BootOutcome;

  beforeAll(async () => {
    sandbox = await BootSandbox.create();
    sandbox.putModelArchive('valid');
    sandbox.unhealthyAnswers = 3;
    outcome = await sandbox.boot();
  });
  afterAll(() => sandbox.dispose());

  test('exits 0', () => {
    expect(outcome).toMatchObject({ exitCode: 0 });
  });

  test('downloads the model archive of the configured name and version', () => {
    expect(sandbox.calls()).toContainEqual(expect.stringMatching(
      new RegExp(`^aws s3 cp .*s3://model-bucket/${MODEL_KEY} `),
    ));
  });

  test('extracts the model into the cache and publishes it with the ready marker', () => {
    expect(readFileSync(join(sandbox.modelDir, 'weights.bin'), 'utf8')).toBe('weights');
    expect(existsSync(join(sandbox.modelDir, 'ready'))).toBe(true);
    expect(readdirSync(join(sandbox.modelDir, '..')).filter((name) => name.includes('.tmp.'))).toEqual([]);
  });

  test('mounts the file system over TLS with IAM through the access point', () => {
    expect(sandbox.calls()).toContain(`mount -t efs -o tls,iam,accesspoint=fsap-0456 fs-0123:/ ${sandbox.root}/models`);
  });

  test('installs only efs-utils, the CloudWatch agent and the agent\'s Node.js LTS (AL2023\'s nodejs24) from dnf', () => {
    expect(sandbox.calls().filter((call) => call.startsWith('dnf '))).toEqual([
      `dnf install -y -q amazon-efs-utils amazon-cloudwatch-agent nodejs${AGENT_NODE_MAJOR}`,
    ]);
    expect(AGENT_NODE_MAJOR).toBe(24);
  });

  test('starts the inference container per the SageMaker contract: the model at /opt/ml/model, started with `serve`, with the GPUs and restart always', () => {
    const run = sandbox.calls().find((call) => call.startsWith('docker run'));
    expect(run).toContain('--restart always --gpus all -p 8080:8080');
    expect(run).toContain(`-v ${sandbox.modelDir}:/opt/ml/model:ro -e MODEL_PATH=/opt/ml/model`);
    expect(run).toContain('-e GPU_MEMORY_FRACTION=0.8');
    expect(run).toContain(`--env-file ${sandbox.root}/etc/ai-inference/model.env`);
    expect(run).toMatch(/ public\.ecr\.aws\/acme\/llm-server:1\.2 serve$/);
  });

  test('ships the container log to /ai/inference', () => {
    const run = sandbox.calls().find((call) => call.startsWith('docker run'));
    expect(run).toContain('--log-driver awslogs --log-opt awslogs-region=eu-west-1 --log-opt awslogs-group=/ai/inference');
  });

  test('publishes GPUUtilization to the namespace of its config file with the AutoScalingGroupName dimension', () => {
    const config = JSON.parse(readFileSync(join(sandbox.root, 'etc/ai-inference/cloudwatch-agent.json'), 'utf8'));
    expect(config.metrics.namespace).toBe('Sandbox/Metrics');
    expect(config.metrics.append_dimensions.AutoScalingGroupName).toBe('${aws:AutoScalingGroupName}');
    expect(config.metrics.aggregation_dimensions).toEqual([['AutoScalingGroupName']]);
    expect(config.metrics.metrics_collected.nvidia_gpu.measurement).toContainEqual(
      { name: 'utilization_gpu', rename: 'GPUUtilization', unit: 'Percent' },
    );
  });

  test('ships the boot and agent logs to /ai/inference', () => {
    const config = JSON.parse(readFileSync(join(sandbox.root, 'etc/ai-inference/cloudwatch-agent.json'), 'utf8'));
    const groups = config.logs.logs_collected.files.collect_list.map((file: { log_group_name: string }) => file.log_group_name);
    expect(new Set(groups)).toEqual(new Set(['/ai/inference']));
    expect(sandbox.calls()).toContain(
      `amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c file:${sandbox.root}/etc/ai-inference/cloudwatch-agent.json`,
    );
  });

  test('starts the queue agent under systemd with the instance identity', () => {
    const unit = readFileSync(join(sandbox.root, 'etc/systemd/system/ai-inference-agent.service'), 'utf8');
    expect(unit).toContain('ExecStart=/usr/bin/node-24 /opt/ai-inference/agent.js /etc/ai-inference/agent.json');
    expect(unit).toContain('TimeoutStopSec=960');
    expect(readFileSync(join(sandbox.root, 'etc/ai-inference/instance.env'), 'utf8')).toBe(
      'INSTANCE_ID=i-0123456789abcdef0\nAUTOSCALING_GROUP_NAME=inference-fleet\nAWS_REGION=eu-west-1\n',
    );
    expect(sandbox.calls()).toContain('systemctl enable --now ai-inference-agent.service');
  });

  test('pulls the image as a step of its own before it runs it, without an ECR login for a public image', () => {
    const calls = sandbox.calls();
    const pull = calls.indexOf('docker pull public.ecr.aws/acme/llm-server:1.2');
    expect(pull).toBeGreaterThan(-1);
    expect(pull).toBeLessThan(calls.findIndex((call) => call.startsWith('docker run')));
    expect(calls.some((call) => call.startsWith('aws ecr') || call.startsWith('docker login'))).toBe(false);
  });

  test('makes only the group lookup, launch hook heartbeats, the download, the CONTINUE and the boot metrics as aws calls', () => {
    const awsCalls = new Set(sandbox.calls().filter((call) => call.startsWith('aws ')));
    expect([...awsCalls].map((call) => call
      .replace(/ \/\S+\/model\.tar\.gz$/, ' DESTINATION')
      .replace(/ --metric-data .*$/, ' --metric-data DATA'))).toEqual([
      'aws autoscaling describe-auto-scaling-instances --region eu-west-1 --instance-ids i-0123456789abcdef0 '
        + '--query AutoScalingInstances[0].AutoScalingGroupName --output text',
      HEARTBEAT,
      `aws s3 cp --only-show-errors --region eu-west-1 s3://model-bucket/${MODEL_KEY} DESTINATION`,
      'aws autoscaling complete-lifecycle-action --region eu-west-1 --auto-scaling-group-name inference-fleet '
        + '--lifecycle-hook-name launch-hook --instance-id i-0123456789abcdef0 --lifecycle-action-result CONTINUE',
      'aws cloudwatch put-metric-data --region eu-west-1 --namespace Sandbox/Metrics --metric-data DATA',
    ]);
  });

  test('records a launch hook heartbeat as each step starts', () => {
    expect(sandbox.heartbeatsBetween('aws autoscaling describe-auto-scaling-instances', 'dnf install')).toBeGreaterThanOrEqual(1);
    expect(sandbox.heartbeatsBetween('dnf install', 'amazon-cloudwatch-agent-ctl')).toBeGreaterThanOrEqual(1);
    expect(sandbox.heartbeatsBetween('mount ', 'aws s3 cp')).toBeGreaterThanOrEqual(1);
    expect(sandbox.heartbeatsBetween('docker pull', 'docker run')).toBeGreaterThanOrEqual(1);
  });

  test('CONTINUEs the launch lifecycle action only after GET /ping answered 200', () => {
    const calls = sandbox.calls();
    const healthy = calls.indexOf('health GET /ping 200');
    const continued = calls.findIndex((call) => CONTINUE.test(call));
    expect(healthy).toBeGreaterThan(-1);
    expect(continued).toBeGreaterThan(healthy);
    expect(calls.filter((call) => CONTINUE.test(call))).toHaveLength(1);
    expect(calls.some((call) => ABANDON.test(call))).toBe(false);
  });
});

describe('boot.sh on an instance that finds the model cached', () => {
  let sandbox: BootSandbox;
  let outcome: BootOutcome;

  beforeAll(async () => {
    sandbox = await BootSandbox.create();
    mkdirSync(sandbox.modelDir, { recursive: true });
    writeFileSync(join(sandbox.modelDir, 'ready'), '');
    outcome = await sandbox.boot();
  });
  afterAll(() => sandbox.dispose());

  test('skips the download', () => {
    expect(outcome).toMatchObject({ exitCode: 0 });
    expect(sandbox.calls().some((call) => call.startsWith('aws s3 cp'))).toBe(false);
    expect(outcome.output).toMatch(/model cache hit/);
  });

  test('still CONTINUEs the launch lifecycle action', () => {
    expect(sandbox.calls().filter((call) => CONTINUE.test(call))).toHaveLength(1);
  });
});

describe('boot.sh on two instances booting at once', () => {
  test('downloads the model once, under the lock', async () => {
    const sandbox = await BootSandbox.create();
    try {
      sandbox.putModelArchive('valid');
      const outcomes = await Promise.all([
        sandbox.boot({ FAKE_S3_DELAY_SECONDS: '0.5' }),
        sandbox.boot({ FAKE_S3_DELAY_SECONDS: '0.5' }),
      ]);
      expect(outcomes.map((o) => o.exitCode)).toEqual([0, 0]);
      expect(sandbox.calls().filter((call) => call.startsWith('aws s3 cp'))).toHaveLength(1);
      expect(sandbox.calls().filter((call) => CONTINUE.test(call))).toHaveLength(2);
    } finally {
      await sandbox.dispose();
    }
  });
});

describe.each([
  ['a corrupt model archive', 'corrupt' as const, /model archive .* is corrupt.*FAILED while extracting model llm\/7 /s],
  ['a missing model archive', undefined, /could not download s3:\/\/model-bucket\/.*FAILED while downloading model llm\/7 /s],
])('boot.sh with %s', (_name, archive, reason) => {
  let sandbox: BootSandbox;
  let outcome: BootOutcome;

  beforeAll(async () => {
    sandbox = await BootSandbox.create();
    if (archive) sandbox.putModelArchive(archive);
    outcome = await sandbox.boot();
  });
  afterAll(() => sandbox.dispose());

  test('fails with the reason in the log', () => {
    expect(outcome.exitCode).not.toBe(0);
    expect(outcome.output).toMatch(reason);
    expect(readFileSync(join(sandbox.root, 'var/log/ai-inference/boot.log'), 'utf8')).toMatch(reason);
  });

  test('leaves no ready marker and no partial extract', () => {
    expect(existsSync(sandbox.modelDir)).toBe(false);
    expect(readdirSync(join(sandbox.modelDir, '..')).filter((name) => name.includes('.tmp.'))).toEqual([]);
  });

  test('ABANDONs the launch lifecycle action and never starts the container', () => {
    const calls = sandbox.calls();
    expect(calls.filter((call) => ABANDON.test(call))).toHaveLength(1);
    expect(calls.some((call) => CONTINUE.test(call))).toBe(false);
    expect(calls.some((call) => call.startsWith('docker run'))).toBe(false);
  });
});

describe('boot.sh with another port and health check path in its config', () => {
  let sandbox: BootSandbox;
  let outcome: BootOutcome;

  beforeAll(async () => {
    sandbox = await BootSandbox.create({ serverPort: 9000, healthCheckPath: '/healthz' });
    sandbox.putModelArchive('valid');
    outcome = await sandbox.boot();
  });
  afterAll(() => sandbox.dispose());

  test('publishes the container on SERVER_PORT and CONTINUEs once GET HEALTH_PATH answers 200: nothing is hard-coded', () => {
    const calls = sandbox.calls();
    expect(outcome).toMatchObject({ exitCode: 0 });
    expect(calls.find((call) => call.startsWith('docker run'))).toContain('--gpus all -p 9000:9000');
    expect(calls.indexOf('health GET /healthz 200')).toBeGreaterThan(-1);
    expect(calls.indexOf('health GET /healthz 200')).toBeLessThan(calls.findIndex((call) => CONTINUE.test(call)));
  });
});

describe('boot.sh when GET /ping never answers 200', () => {
  let sandbox: BootSandbox;
  let outcome: BootOutcome;

  beforeAll(async () => {
    sandbox = await BootSandbox.create({ healthCheckTimeoutSeconds: 2 });
    sandbox.putModelArchive('valid');
    sandbox.healthy = false;
    outcome = await sandbox.boot();
  });
  afterAll(() => sandbox.dispose());

  test('ABANDONs after the health check timeout, with the reason in the log', () => {
    expect(outcome.exitCode).not.toBe(0);
    expect(outcome.output).toMatch(/stuck: no progress for 2s while waiting for http:\/\/127\.0\.0\.1:\d+\/ping to answer 200/);
    expect(sandbox.calls().filter((call) => ABANDON.test(call))).toHaveLength(1);
  });

  test('never CONTINUEs and never starts the queue agent', () => {
    const calls = sandbox.calls();
    expect(calls.some((call) => CONTINUE.test(call))).toBe(false);
    expect(calls).not.toContain('systemctl enable --now ai-inference-agent.service');
  });
});
