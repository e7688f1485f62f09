import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { ENVIRONMENTS } from '../../lib/config';
import { DEFAULT_ASSUMPTIONS, runForesight } from '../../lib/foresight/foresight-run';
import { environmentStacks } from '../../lib/foresight/stack-templates';
import { regionPrices } from '../../lib/pricing/price-table';
import { serviceOf } from '../../scripts/foresight/options';
import { synthForForesight } from '../../scripts/foresight/synth-environments';

/**
 * The environments whose fleet can scale to zero (the first one when none can): one synth of
 * them serves both tests of this file (synthesizing every environment twice would double the
 * suite's time; the other environments go through the same factory).
 */
const scaleToZero = ENVIRONMENTS.filter((c) => c.inference.default.fleet.minCapacity === 0);
const selected = scaleToZero.length > 0 ? scaleToZero : ENVIRONMENTS.slice(0, 1);
const names = selected.map((c) => c.name);
const inProcess = synthForForesight(names, 'default');

/**
 * `npm run simulate` and `npm run cost` read the templates `npx cdk synth` writes for the
 * environments with their model published: the same app factory, cdk.json's context, every
 * check. The CLI synthesizes the published app; the templates the tools synthesize in-process
 * must be the same, stack by stack.
 */
describe('the templates simulate and cost read are the published synth\'s', () => {
  const root = join(__dirname, '../..');
  const out = mkdtempSync(join(tmpdir(), 'published-synth-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));
  const cli = spawnSync(
    join(root, 'node_modules/.bin/cdk'),
    ['synth', '--quiet', '--no-notices', '-c', `env=${names.join(',')}`, '--app', 'npx tsx scripts/foresight/published-app.ts', '--output', out],
    { cwd: root, encoding: 'utf8' },
  );

  test('the cdk CLI synthesizes the published app', () => {
    expect(cli.status).toBe(0);
  });

  test.each(names)('%s: every stack template is equal', (name) => {
    const published = environmentStacks(new CloudAssembly(out), name).stacks;
    const simulated = environmentStacks(inProcess, name).stacks;
    expect(simulated.map((s) => s.hierarchicalId)).toEqual(published.map((s) => s.hierarchicalId));
    for (const stack of published) expect(simulated.find((s) => s.hierarchicalId === stack.hierarchicalId)?.template).toEqual(stack.template);
  });
});

describe('one job on a fleet that scales to zero', () => {
  test.each(scaleToZero.map((c) => [c.name, c] as const))('%s: costs less than one GPU-hour', (name, config) => {
    // Tuesday 10:00 UTC (the simulation starts on a Monday 00:00 UTC): a working day.
    const arrival = 34 * 3600;
    const csv = `arrival,jobSeconds\n${arrival},${config.inference.default.scaling.timePerJob.toSeconds()}\n`;
    const run = runForesight(name, [{ name: 'default', stacks: environmentStacks(inProcess, name).stacks }], serviceOf(config, 'default'),
      { csvName: 'one-job.csv', csvText: csv }, { ...DEFAULT_ASSUMPTIONS, days: 2 }, regionPrices('us-east-1'));
    const figures = run.policies.default.figures;
    expect(figures.jobsCompleted).toBe(1);
    expect(figures.gpuHours).toBeLessThan(1);
  });
});
