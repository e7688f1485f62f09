import { parseCron } from '../cron';
import { LocalTime } from './local-time';

/** A scheduled action's recurrence as a test of local times (AWS_DOCS.scheduledActions). */
export type CronMatcher = (time: LocalTime) => boolean;

/**
 * The local times a 5-field cron expression matches, read with the grammar config validation
 * uses (lib/cron.ts). As in cron, when both day fields are restricted either may match.
 */
export function cronMatcher(cron: string): CronMatcher {
  const parsed = parseCron(cron);
  if ('fieldCount' in parsed) throw new Error(`cron "${cron}" must have 5 fields (minute hour day-of-month month day-of-week)`);
  if ('invalidField' in parsed) {
    const { name, min, max } = parsed.invalidField;
    throw new Error(`cron "${cron}": ${name} "${parsed.text}" is not a number, range, list or step within ${min}-${max}`);
  }
  const [minute, hour, dayOfMonth, month, dayOfWeek] = parsed.values;
  const eitherDay = parsed.restricted[2] && parsed.restricted[4];
  return (t) => {
    if (!minute.has(t.minute) || !hour.has(t.hour) || !month.has(t.month)) return false;
    return eitherDay ? dayOfMonth.has(t.dayOfMonth) || dayOfWeek.has(t.dayOfWeek) : dayOfMonth.has(t.dayOfMonth) && dayOfWeek.has(t.dayOfWeek);
  };
}
