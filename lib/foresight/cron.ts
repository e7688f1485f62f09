import { LocalTime } from './local-time';

/** A parsed 5-field cron expression, as scheduled actions use it (AWS_DOCS.scheduledActions). */
export type CronMatcher = (time: LocalTime) => boolean;

const FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day of week', min: 0, max: 7 },
] as const;

function parseField(text: string, field: (typeof FIELDS)[number], cron: string): Set<number> {
  const values = new Set<number>();
  for (const part of text.split(',')) {
    const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!m) throw new Error(`cron "${cron}": ${field.name} "${part}" is not a number, range, list or step`);
    const from = m[1] === '*' ? field.min : Number(m[2]);
    const to = m[1] === '*' ? field.max : m[3] !== undefined ? Number(m[3]) : m[4] !== undefined ? field.max : from;
    const step = m[4] !== undefined ? Number(m[4]) : 1;
    if (from < field.min || to > field.max || from > to || step < 1) {
      throw new Error(`cron "${cron}": ${field.name} "${part}" is outside ${field.min}-${field.max}`);
    }
    for (let v = from; v <= to; v += step) values.add(field.name === 'day of week' && v === 7 ? 0 : v);
  }
  return values;
}

/**
 * Parses a 5-field cron expression (minute hour day-of-month month day-of-week; numbers, `*`,
 * ranges, lists, steps). As in cron, when both day fields are restricted either may match.
 */
export function parseCron(cron: string): CronMatcher {
  const parts = cron.trim().split(/\s+/);
  if (parts.length !== 5) throw new Error(`cron "${cron}" must have 5 fields (minute hour day-of-month month day-of-week)`);
  const [minute, hour, dom, month, dow] = parts.map((p, i) => parseField(p, FIELDS[i], cron));
  const domAny = parts[2] === '*';
  const dowAny = parts[4] === '*';
  return (t) => {
    if (!minute.has(t.minute) || !hour.has(t.hour) || !month.has(t.month)) return false;
    if (domAny || dowAny) return dom.has(t.dayOfMonth) && dow.has(t.dayOfWeek);
    return dom.has(t.dayOfMonth) || dow.has(t.dayOfWeek);
  };
}
