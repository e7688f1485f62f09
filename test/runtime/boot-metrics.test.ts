import { BOOT_PHASES, BOOT_PHASE_METRIC_NAME } from '../../lib/constructs/inference/boot-time';
import { ABANDON, BootOutcome, BootSandbox, CONTINUE } from './boot-sandbox';

/** A datum of the boot's PutMetricData call, as the CLI's --metric-data JSON holds it. */
interface Datum {
  MetricName: string;
  Dimensions: { Name: string; Value: string }[];
  Value: number;
  Unit: string;
}

function published(sandbox: BootSandbox): { call: string; data: Datum[] }[] {
  return sandbox.calls()
    .filter((call) => call.startsWith('aws cloudwatch put-metric-data '))
    .map((call) => ({ call, data: JSON.parse(call.replace(/^.* --metric-data /, '')) as Datum[] }));
}

const phaseOf = (datum: Datum) => datum.Dimensions.find((d) => d.Name === 'Phase')?.Value;

describe('boot.sh boot phase metrics, on a boot that succeeds', () => {
  let sandbox: BootSandbox;
  let outcome: BootOutcome;

  beforeAll(async () => {
    sandbox = await BootSandbox.create();
    sandbox.putModelArchive('valid');
    outcome = await sandbox.boot({ FAKE_PULL_SECONDS: '1' });
  }, 60_000);
  afterAll(() => sandbox.dispose());

  test('boots', () => {
    expect(outcome.exitCode).toBe(0);
  });

  test('publishes once, after the CONTINUE, to the namespace of the GPU metrics', () => {
    const calls = sandbox.calls();
    const publishes = published(sandbox);
    expect(publishes).toHaveLength(1);
    expect(publishes[0].call).toMatch(/^aws cloudwatch put-metric-data --region eu-west-1 --namespace Sandbox\/Metrics /);
    expect(calls.indexOf(publishes[0].call)).toBeGreaterThan(calls.findIndex((call) => CONTINUE.test(call)));
  });

  test('publishes the OS boot and every step, in order, as BootPhaseSeconds of the group: the phases the dashboard shows', () => {
    const data = published(sandbox)[0].data;
    expect(data.map(phaseOf)).toEqual(BOOT_PHASES);
    for (const datum of data) {
      expect(datum).toMatchObject({ MetricName: BOOT_PHASE_METRIC_NAME, Unit: 'Seconds' });
      expect(datum.Dimensions[0]).toEqual({ Name: 'AutoScalingGroupName', Value: 'inference-fleet' });
      expect(datum.Value).toBeGreaterThanOrEqual(0);
    }
  });

  test('measures a step by its duration: the one-second image pull takes at least a second', () => {
    const pull = published(sandbox)[0].data.find((datum) => phaseOf(datum) === 'image-pull');
    expect(pull?.Value).toBeGreaterThanOrEqual(1);
  });
});

describe('boot.sh boot phase metrics, on a boot that fails', () => {
  let sandbox: BootSandbox;

  beforeAll(async () => {
    sandbox = await BootSandbox.create();
    sandbox.putModelArchive('corrupt');
    await sandbox.boot();
  }, 60_000);
  afterAll(() => sandbox.dispose());

  test('publishes the phases it finished, after the ABANDON', () => {
    const calls = sandbox.calls();
    const publishes = published(sandbox);
    expect(publishes).toHaveLength(1);
    expect(calls.indexOf(publishes[0].call)).toBeGreaterThan(calls.findIndex((call) => ABANDON.test(call)));
    expect(publishes[0].data.map(phaseOf)).toEqual(['os-boot', 'packages', 'cloudwatch-agent', 'cache-mount', 'cache-lock', 'model-download']);
  });
});
