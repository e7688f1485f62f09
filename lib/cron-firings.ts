import { parseCron } from './cron';

/**
 * When an Auto Scaling recurrence fires: its 5-field cron (read with lib/cron.ts, the one
 * grammar) at wall-clock times of an IANA time zone, which Auto Scaling adjusts for daylight
 * saving time (https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-scheduled-scaling.html).
 * A wall-clock time skipped by a DST change is taken at the offset before it (AWS does not say).
 */

/** A span of instants, epoch seconds, `from` included, `to` excluded. */
export interface Span {
  readonly from: number;
  readonly to: number;
}

const DAY_SECONDS = 86_400;
const formats = new Map<string, Intl.DateTimeFormat>();

function formatOf(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formats.set(timeZone, format);
  }
  return format;
}

/** The wall-clock time of `epochSeconds` in `timeZone`, as if it were UTC (epoch seconds). */
export function wallClock(timeZone: string, epochSeconds: number): number {
  const parts = Object.fromEntries(formatOf(timeZone).formatToParts(new Date(epochSeconds * 1000)).map((p) => [p.type, Number(p.value)]));
  return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second) / 1000;
}

/** The instant a wall-clock time (as if UTC, epoch seconds) of `timeZone` happens at. */
function instantOf(timeZone: string, wall: number): number {
  const guess = wall - (wallClock(timeZone, wall) - wall);
  return wall - (wallClock(timeZone, guess) - guess);
}

/** The wall-clock time of `epochSeconds` in `timeZone`, e.g. `Fri 2028-01-07 22:00 Europe/Berlin`. */
export function describeInstant(timeZone: string, epochSeconds: number): string {
  const wall = new Date(wallClock(timeZone, epochSeconds) * 1000);
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][wall.getUTCDay()];
  return `${day} ${wall.toISOString().slice(0, 16).replace('T', ' ')} ${timeZone}`;
}

/** Every instant in `span` at which `cron` fires in `timeZone`, in order; throws on a malformed cron (validate first). */
export function cronFirings(cron: string, timeZone: string, span: Span): number[] {
  const parsed = parseCron(cron);
  if (!('values' in parsed)) throw new Error(`"${cron}" is not a valid cron expression`);
  const [minutes, hours, daysOfMonth, months, daysOfWeek] = parsed.values;
  // As in cron, when both day fields are restricted either may match.
  const eitherDay = parsed.restricted[2] && parsed.restricted[4];
  const firings = new Set<number>();
  // Wall-clock days from a day before the span to a day after it cover every offset.
  for (let day = Math.floor(span.from / DAY_SECONDS) - 1; day <= Math.ceil(span.to / DAY_SECONDS) + 1; day++) {
    const date = new Date(day * DAY_SECONDS * 1000);
    if (!months.has(date.getUTCMonth() + 1)) continue;
    const dom = daysOfMonth.has(date.getUTCDate());
    const dow = daysOfWeek.has(date.getUTCDay());
    if (!(eitherDay ? dom || dow : dom && dow)) continue;
    for (const hour of hours) {
      for (const minute of minutes) {
        const at = instantOf(timeZone, day * DAY_SECONDS + hour * 3600 + minute * 60);
        if (at >= span.from && at < span.to) firings.add(at);
      }
    }
  }
  return [...firings].sort((a, b) => a - b);
}
