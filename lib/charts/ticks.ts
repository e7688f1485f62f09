/**
 * Round tick values from 0 up to at least `max`, 1, 2 or 5 x 10^n apart, about `count` of them
 * (the steps of any chart library's linear axis). `whole` keeps the step at 1 or more, for
 * counts such as instances. The last tick is the axis's top.
 */
export function niceTicks(max: number, count = 5, whole = false): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = Math.max(whole ? 1 : 0, [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power);
  const ticks: number[] = [];
  for (let i = 0; ; i++) {
    // Multiply rather than add, so 0.1 steps do not drift (0.30000000000000004).
    const tick = Number((i * step).toPrecision(12));
    ticks.push(tick);
    if (tick >= max) return ticks;
  }
}

/** A linear scale from [0, top] onto [from, to] (pixels; `to` < `from` for a y axis that grows upwards). */
export function linearScale(top: number, from: number, to: number): (value: number) => number {
  return (value) => from + (value / top) * (to - from);
}
