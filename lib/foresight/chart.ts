import { ForesightRun } from './foresight-run';

const WIDTH = 960;
const PANEL_HEIGHT = 200;
const MARGIN = { left: 48, right: 56, top: 28, bottom: 28 };
/** Minutes per plotted point: the chart keeps each bucket's maximum, so no peak is lost. */
const BUCKET_MINUTES = 10;

function bucketMax(series: Int32Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < series.length; i += BUCKET_MINUTES) {
    let max = 0;
    for (let k = i; k < Math.min(series.length, i + BUCKET_MINUTES); k++) max = Math.max(max, series[k]);
    out.push(max);
  }
  return out;
}

function path(values: number[], x: (i: number) => number, y: (v: number) => number): string {
  return values.map((v, i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(v).toFixed(1)}`).join('');
}

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/**
 * An SVG chart of a run: one panel per policy, jobs waiting (shaded, right axis) and desired and
 * InService instances (lines, left axis) over the simulated days. No dependencies.
 */
export function renderChart(run: ForesightRun): string {
  const names = Object.keys(run.policies);
  const height = names.length * (PANEL_HEIGHT + MARGIN.top + MARGIN.bottom) + 24;
  const maxWaiting = Math.max(1, ...names.map((n) => run.policies[n].figures.maxJobsWaiting));
  const maxInstances = Math.max(1, ...names.map((n) => run.policies[n].fleet.maxSize));
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${MARGIN.left}" y="16" font-size="13" font-weight="bold">${escape(`${run.env} ${run.service}, ${run.workload}: jobs waiting and instances`)}</text>`,
  ];
  names.forEach((name, p) => {
    const { trace, figures } = run.policies[name];
    const top = 24 + p * (PANEL_HEIGHT + MARGIN.top + MARGIN.bottom) + MARGIN.top;
    const waiting = bucketMax(trace.visible);
    const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
    const x = (i: number) => MARGIN.left + (i / Math.max(1, waiting.length - 1)) * plotWidth;
    const yJobs = (v: number) => top + PANEL_HEIGHT - (v / maxWaiting) * PANEL_HEIGHT;
    const yInst = (v: number) => top + PANEL_HEIGHT - (v / maxInstances) * PANEL_HEIGHT;
    const days = trace.visible.length / 1440;
    parts.push(
      `<text x="${MARGIN.left}" y="${top - 8}" font-weight="bold">${escape(`${name}: p95 wait ${figures.p95WaitSeconds} s, ${figures.gpuHours} GPU-hours = ${figures.timesLimit} x limit (clairvoyant ${figures.oracleGpuHoursLowerBound}), $${figures.costUsd}`)}</text>`,
      `<rect x="${MARGIN.left}" y="${top}" width="${plotWidth}" height="${PANEL_HEIGHT}" fill="none" stroke="#ccc"/>`,
    );
    for (let d = 0; d <= days; d++) {
      const dx = MARGIN.left + (d / days) * plotWidth;
      parts.push(`<line x1="${dx}" y1="${top}" x2="${dx}" y2="${top + PANEL_HEIGHT}" stroke="#eee"/>`);
      if (d < days) parts.push(`<text x="${dx + 4}" y="${top + PANEL_HEIGHT + 14}" fill="#666">day ${d + 1}</text>`);
    }
    parts.push(
      `<path d="${path(waiting, x, yJobs)}L${x(waiting.length - 1)},${top + PANEL_HEIGHT}L${x(0)},${top + PANEL_HEIGHT}Z" fill="#f4a261" fill-opacity="0.5" stroke="#e76f51" stroke-width="0.8"/>`,
      `<path d="${path(bucketMax(trace.desired), x, yInst)}" fill="none" stroke="#264653" stroke-width="1.2" stroke-dasharray="4 2"/>`,
      `<path d="${path(bucketMax(trace.inService), x, yInst)}" fill="none" stroke="#2a9d8f" stroke-width="1.5"/>`,
      `<text x="${MARGIN.left - 6}" y="${top + 4}" text-anchor="end">${maxInstances}</text>`,
      `<text x="${MARGIN.left - 6}" y="${top + PANEL_HEIGHT}" text-anchor="end">0</text>`,
      `<text x="${WIDTH - MARGIN.right + 6}" y="${top + 4}" fill="#e76f51">${maxWaiting} jobs</text>`,
    );
  });
  const legendY = height - 6;
  parts.push(
    `<text x="${MARGIN.left}" y="${legendY}"><tspan fill="#e76f51">&#9632; jobs waiting (right axis)</tspan>  <tspan fill="#264653">- - desired</tspan>  <tspan fill="#2a9d8f">&#8212; InService (left axis, instances)</tspan></text>`,
    '</svg>',
  );
  return parts.join('\n');
}
