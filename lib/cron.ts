/**
 * The 5-field cron expressions of Auto Scaling scheduled actions (minute hour day-of-month month
 * day-of-week; `*`, numbers, ranges, lists and `/steps`), with AWS's ranges: day-of-week is 0-6,
 * Sunday 0. Config validation and the foresight simulator read them with this one grammar.
 */
export const CRON_FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day-of-week', min: 0, max: 6 },
] as const;

/** One field of a cron expression, as {@link CRON_FIELDS} describes it. */
export type CronField = (typeof CRON_FIELDS)[number];

/** A cron expression read into the values each field matches, or why it could not be. */
export type ParsedCron =
  | { readonly values: readonly ReadonlySet<number>[]; readonly restricted: readonly boolean[] }
  | { readonly fieldCount: number }
  | { readonly invalidField: CronField; readonly text: string };

/** The values of one field, or undefined when a part is malformed or out of the field's range. */
function fieldValues(text: string, field: CronField): Set<number> | undefined {
  const values = new Set<number>();
  for (const part of text.split(',')) {
    const match = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!match) return undefined;
    const from = match[1] === '*' ? field.min : Number(match[2]);
    const to = match[1] === '*' ? field.max : match[3] !== undefined ? Number(match[3]) : match[4] !== undefined ? field.max : from;
    const step = match[4] !== undefined ? Number(match[4]) : 1;
    if (from < field.min || to > field.max || from > to || step < 1) return undefined;
    for (let value = from; value <= to; value += step) values.add(value);
  }
  return values;
}

/** Reads `expression` field by field. */
export function parseCron(expression: string): ParsedCron {
  const texts = expression.trim().split(/\s+/);
  if (texts.length !== CRON_FIELDS.length) return { fieldCount: texts.length };
  const values: Set<number>[] = [];
  for (const [n, field] of CRON_FIELDS.entries()) {
    const fieldSet = fieldValues(texts[n], field);
    if (!fieldSet) return { invalidField: field, text: texts[n] };
    values.push(fieldSet);
  }
  return { values, restricted: texts.map((text) => text !== '*') };
}
