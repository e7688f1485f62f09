import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ENVIRONMENTS } from '../../lib/config';
import { EXIT_USAGE, UsageError, runCommandLine } from '../../scripts/cli';
import { SIMULATE_COMMAND_LINE, TARGET_WORKLOADS, simulate, targetTableText, waitChartFile } from '../../scripts/simulate';
import { COMMON_OPTIONS, assumptionsOf, pricesOf, selectionOf, workloadOf } from '../../scripts/foresight/options';

const root = join(__dirname, '../..');
const run = (script: string, ...args: string[]) =>
  spawnSync(join(root, 'node_modules/.bin/tsx'), [join(root, 'scripts', script), ...args], { cwd: root, encoding: 'utf8' });

describe.each([
  ['simulate.ts', ['--days', '0'], /--days \(0\) must be a whole number from 1 to 31/, /--all/],
  ['cost.ts', ['--env', 'nowhere'], new RegExp(`--env \\(nowhere\\) must be one of ${ENVIRONMENTS.map((e) => e.name).join(', ')}`), /--diff/],
] as const)(
  'npm run %s',
  (script, badArgs, message, ownFlag) => {
    test('--help prints the flags, its own and the undocumented assumptions among them, and exits 0', () => {
      const result = run(script, '--help');
      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(ownFlag);
      expect(result.stdout).toMatch(/--evaluation-range-extra/);
      expect(result.stdout).toMatch(/--sqs-reactivation-delay-minutes/);
    });

    test(`${badArgs.join(' ')} is a usage error: one line, exit 2`, () => {
      const result = run(script, ...badArgs);
      expect(result.status).toBe(2);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(message);
    });
  },
);

describe('the common flags', () => {
  const values = (...args: string[]) => parseArgs({ args, options: { ...COMMON_OPTIONS, help: { type: 'boolean', default: false } }, allowPositionals: true, strict: true }).values;

  test.each([
    [['--days', '1.5'], /--days \(1.5\) must be a whole number from 1 to 31/],
    [['--spot-discount', '2'], /--spot-discount \(2\) must be a number from 0 to 1/],
    [['--divide-by-zero', 'nan'], /--divide-by-zero \(nan\) must be missing or infinity/],
    [['--target-tracking-scale-in-datapoints', '0'], /--target-tracking-scale-in-datapoints \(0\) must be a whole number from 1 to 60/],
  ])('%j is a usage error naming the flag', (args, message) => {
    expect(() => assumptionsOf(values(...args))).toThrow(UsageError);
    expect(() => assumptionsOf(values(...args))).toThrow(message);
  });

  test('an unpriced Region is a usage error listing the priced ones', () => {
    expect(() => pricesOf(values('--region', 'mars-1'))).toThrow(/--region no prices for region "mars-1": the price table has us-east-1, us-west-2, eu-central-1/);
  });

  test('an unknown workload is a usage error listing the built-in ones', () => {
    expect(() => workloadOf(values('--workload', 'spiky'), 'office-hours')).toThrow(/--workload spiky: use one of steady, office-hours, bursty, overnight-batch, idle/);
  });

  test('an unknown environment is a usage error', () => {
    expect(() => selectionOf(values('--env', 'nowhere'))).toThrow(UsageError);
  });

  test('every assumption defaults to its documented value', () => {
    expect(assumptionsOf(values())).toMatchObject({ metricDelayMinutes: 1, evaluationRangeExtra: 2, sqsReactivationDelayMinutes: 15, targetTrackingCadence: { scaleOutDatapoints: 3, scaleInDatapoints: 15 } });
    expect(Object.keys(COMMON_OPTIONS)).toContain('agent-start-seconds');
  });
});

describe('npm run simulate -- --all', () => {
  test.each([['--workload', 'steady'], ['--compare', 'step'], ['--chart', 'x.svg']])('with %s is a usage error, one line, before anything is synthesized', async (...flag) => {
    const errors: string[] = [];
    const code = await runCommandLine(SIMULATE_COMMAND_LINE, ['--all', ...flag], { print: () => undefined, printError: (l) => errors.push(l) }, simulate);
    expect(code).toBe(EXIT_USAGE);
    expect(errors).toEqual(['simulate: --all runs every built-in workload on the default policy: leave out --workload, --csv, --compare and --chart (see --help)']);
  });

  test('the table lists each cell, its reasons below it, and how many met', () => {
    const cell = (workload: string, met: boolean) => ({
      env: 'dev', service: 'default', workload, p95WaitSeconds: 20, targetP95WaitSeconds: 60, gpuHours: 110, limitGpuHours: 100, timesLimit: 1.1,
      onlineFloorTimesLimit: 1.05, idleWindowFloorTimesLimit: 1.08, wakeUpsFromZero: 2, jobsLost: met ? 0 : 1, latencyMet: true, costMet: true, met,
      reasons: met ? [] : ['1 jobs lost (expired or dead-lettered)'],
    });
    const lines = targetTableText([cell('steady', true), cell('bursty', false)]).split('\n');
    expect(lines[1]).toMatch(/^dev\s+default\s+steady\s+20\s+60\s+110\s+100\s+1.1\s+1.05\s+1.08\s+2\s+0\s+yes$/);
    expect(lines[2]).toMatch(/bursty.*no \(lost\)$/);
    expect(lines[3]).toBe('    - 1 jobs lost (expired or dead-lettered)');
    expect(lines[4]).toMatch(/^1 of 2 met/);
  });

  test('covers every built-in workload with jobs', () => {
    expect(TARGET_WORKLOADS).toEqual(['steady', 'office-hours', 'bursty', 'overnight-batch']);
  });
});

describe('npm run simulate -- --chart', () => {
  test('with more than one environment selected is a usage error, one line, before anything is synthesized', async () => {
    const errors: string[] = [];
    const env = ENVIRONMENTS.slice(0, 2).map((c) => c.name).join(',');
    const code = await runCommandLine(SIMULATE_COMMAND_LINE, ['--env', env, '--chart', 'x.svg'], { print: () => undefined, printError: (l) => errors.push(l) }, simulate);
    expect(code).toBe(EXIT_USAGE);
    expect(errors).toEqual(['simulate: --chart x.svg is the chart of one run: select one environment and service with --env and --service (see --help)']);
  });

  test('writes the wait chart beside the chart', () => {
    expect(waitChartFile('out/dev.svg')).toBe('out/dev-waits.svg');
  });
});
