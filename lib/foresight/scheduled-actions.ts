import { cronMatcher } from './cron';
import { ScheduleModel } from './fleet-model';
import { LocalClock } from './local-time';

/** The group's size limits and desired capacity. */
export interface GroupSize {
  readonly minSize: number;
  readonly maxSize: number;
  readonly desired: number;
}

/**
 * Applies a scheduled action (AWS_DOCS.scheduledActions): it sets whichever of MinSize, MaxSize
 * and DesiredCapacity it names; a desired capacity outside the new limits moves to the nearest one.
 */
export function applySchedule(size: GroupSize, action: ScheduleModel): GroupSize {
  const minSize = action.minSize ?? size.minSize;
  const maxSize = action.maxSize ?? size.maxSize;
  const desired = Math.min(maxSize, Math.max(minSize, action.desiredCapacity ?? size.desired));
  return { minSize, maxSize, desired };
}

/** When each scheduled action fires, by minute of the simulation (negative: before the start). */
export interface ScheduleTimeline {
  /** Actions that fired in the week before the start, in order: they set the starting size. */
  readonly before: readonly ScheduleModel[];
  /** Actions firing at each simulated minute. */
  readonly at: ReadonlyMap<number, readonly ScheduleModel[]>;
}

/** Lays out every firing of `schedules` over `minutes` from `startEpochSeconds`, plus the week before. */
export function scheduleTimeline(schedules: readonly ScheduleModel[], startEpochSeconds: number, minutes: number): ScheduleTimeline {
  const before: ScheduleModel[] = [];
  const at = new Map<number, ScheduleModel[]>();
  const lookback = 7 * 1440;
  for (const schedule of schedules) {
    const matches = cronMatcher(schedule.cron);
    const clock = new LocalClock(schedule.timeZone);
    for (let m = -lookback; m < minutes; m++) {
      if (!matches(clock.at(startEpochSeconds + m * 60))) continue;
      if (m < 0) before.push({ ...schedule, name: `${schedule.name}@${m}` });
      else at.set(m, [...(at.get(m) ?? []), schedule]);
    }
  }
  const minuteOf = (s: ScheduleModel) => Number(s.name.slice(s.name.lastIndexOf('@') + 1));
  before.sort((a, b) => minuteOf(a) - minuteOf(b));
  return { before, at };
}

/** The group's MinSize and MaxSize minute by minute, and its size at the start, from its schedules alone. */
export interface GroupLimits {
  readonly initial: GroupSize;
  readonly minSize: Int32Array;
  readonly maxSize: Int32Array;
}

/** The limits the scheduled actions set over `minutes` from `startEpochSeconds`. */
export function groupLimits(
  fleet: { readonly minSize: number; readonly maxSize: number; readonly schedules: readonly ScheduleModel[] },
  startEpochSeconds: number,
  minutes: number,
): GroupLimits {
  const timeline = scheduleTimeline(fleet.schedules, startEpochSeconds, minutes);
  const initial = timeline.before.reduce(applySchedule, { minSize: fleet.minSize, maxSize: fleet.maxSize, desired: fleet.minSize });
  const minSize = new Int32Array(minutes);
  const maxSize = new Int32Array(minutes);
  let size = initial;
  for (let m = 0; m < minutes; m++) {
    for (const action of timeline.at.get(m) ?? []) size = applySchedule(size, action);
    minSize[m] = size.minSize;
    maxSize[m] = size.maxSize;
  }
  return { initial, minSize, maxSize };
}
