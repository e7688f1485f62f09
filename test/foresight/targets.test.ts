import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENVIRONMENTS } from '../../lib/config';
import { PolicyFigures } from '../../lib/foresight/figures';
import { TARGET_TIMES_LIMIT, TargetRun, targetCell, targetTableMarkdown } from '../../lib/foresight/targets';

/** Figures of a cell that meets every target; override any. */
function figures(over: Partial<PolicyFigures> = {}): PolicyFigures {
  return {
    p50WaitSeconds: 0, p95WaitSeconds: 20, p99WaitSeconds: 40, maxWaitSeconds: 50, p95WaitAwakeSeconds: 20, maxJobsWaiting: 3,
    jobsSubmitted: 100, jobsCompleted: 100, jobsLost: 0, jobsPendingAtEnd: 0, spotInstanceHours: 110, onDemandInstanceHours: 0,
    instanceHours: 110, gpuHours: 110, oracleGpuHoursLowerBound: 100, timesLimit: 1.1, onlineFloorGpuHours: 105, onlineFloorTimesLimit: 1.05,
    idleWindowFloorGpuHours: 108, idleWindowFloorTimesLimit: 1.08, idleGpuHours: 30, spotInterruptions: 0, launchesAbandoned: 0, wakeUpsFromZero: 2, costUsd: 50,
    ...over,
  };
}

const run = (over: Partial<PolicyFigures> = {}, workload = 'office-hours'): TargetRun => ({
  env: 'dev', service: 'default', workload, policies: { default: { bootSeconds: 300, targetP95WaitSeconds: 60, figures: figures(over) } },
});

describe('a cell against the targets', () => {
  test('p95 wait within the target, GPU-hours within 1.3 x the limit and no job lost: met, no reason', () => {
    expect(targetCell(run())).toMatchObject({ met: true, latencyMet: true, costMet: true, reasons: [] });
  });

  test('exactly 1.3 x the limit is met', () => {
    expect(targetCell(run({ timesLimit: TARGET_TIMES_LIMIT })).costMet).toBe(true);
  });

  test('a lost job misses the cell and says how many', () => {
    const cell = targetCell(run({ jobsLost: 2 }));
    expect(cell.met).toBe(false);
    expect(cell.reasons).toEqual(['2 jobs lost (expired or dead-lettered)']);
  });

  test('a wait missed by jobs that found the fleet at 0: the boot, and the p95 of the others', () => {
    const cell = targetCell(run({ p95WaitSeconds: 340, p95WaitAwakeSeconds: 40 }));
    expect(cell).toMatchObject({ met: false, latencyMet: false, costMet: true });
    expect(cell.reasons).toEqual([expect.stringMatching(/waited a boot \(300 s\).*the p95 of the others is 40 s/)]);
  });

  test('a wait missed with instances up: the backlog', () => {
    expect(targetCell(run({ p95WaitSeconds: 90, p95WaitAwakeSeconds: 90 })).reasons).toEqual([expect.stringMatching(/p95 90 s with an instance up: the backlog/)]);
  });

  test('a miss where the online floor is above 1.3 x the limit cannot be met, with the floor as proof', () => {
    const cell = targetCell(run({ timesLimit: 1.6, onlineFloorTimesLimit: 1.45, onlineFloorGpuHours: 145 }));
    expect(cell.reasons).toEqual([expect.stringMatching(/^cannot be met: the online floor is 1.45 x the limit \(145 GPU-hours\).*within 60 s under 1.3 x/)]);
  });

  test('a cost miss where only the floor without flapping is above 1.3 x: cannot be met without flapping, both floors given', () => {
    const cell = targetCell(run({ timesLimit: 1.6, onlineFloorTimesLimit: 1.2, idleWindowFloorTimesLimit: 1.5, idleWindowFloorGpuHours: 150 }));
    expect(cell.reasons).toEqual([expect.stringMatching(/^cannot be met without flapping: .* 1.5 x the limit \(150 GPU-hours\).*online floor \(1.2 x\)/)]);
  });

  test('a cost miss both floors allow: the GPU-hours that ran no job', () => {
    const cell = targetCell(run({ timesLimit: 1.4, gpuHours: 140, idleGpuHours: 60 }));
    expect(cell).toMatchObject({ costMet: false, latencyMet: true });
    expect(cell.reasons).toEqual([expect.stringMatching(/^60 of 140 GPU-hours ran no job/)]);
  });

  test('a met cell gives no reason even when the floor is above 1.3 x (the policy beat the floor on this draw)', () => {
    expect(targetCell(run({ onlineFloorTimesLimit: 1.4 })).reasons).toEqual([]);
  });
});

describe('the Markdown table', () => {
  test('one row per cell after the header, the miss marked and its reason in the last column', () => {
    const rows = targetTableMarkdown([targetCell(run()), targetCell(run({ jobsLost: 1 }, 'bursty'))]);
    expect(rows).toHaveLength(4);
    expect(rows[3]).toMatch(/^\| dev \| default \| bursty \|.*\| 1 jobs lost \(expired or dead-lettered\) \|$/);
    expect(rows[2]).toMatch(/\| - \|$/);
  });
});

describe('the generated target table of docs/foresight.md (npm run docs:foresight)', () => {
  const page = readFileSync(join(__dirname, '../../docs/foresight.md'), 'utf8');
  const rows = page.split('\n').filter((line) => /^\| [^|]+ \| [^|]+ \| (steady|office-hours|bursty|overnight-batch) \| [\d.]+ \|/.test(line));

  test('has the columns the generator writes today', () => {
    expect(page).toContain(targetTableMarkdown([])[0]);
  });

  test('has a row for every environment and service x workload with jobs', () => {
    const expected = ENVIRONMENTS.flatMap((c) => Object.keys(c.inference).map((service) => `${c.name} | ${service}`));
    expect(new Set(rows.map((r) => r.split(' | ').slice(0, 2).join(' | ').slice(2)))).toEqual(new Set(expected));
    expect(rows).toHaveLength(expected.length * 4);
  });
});
