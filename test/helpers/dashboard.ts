import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { EXAMPLE_STACK, resolve } from './fake-cloudformation';

/**
 * A dashboard as CloudWatch renders it: the template's DashboardBody with CloudFormation's
 * references resolved (a Ref to the logical id, a GetAtt to `<logical id>.<attribute>`), parsed
 * by the dashboard body structure (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html).
 */

/** One row of a metric widget's `metrics`: a metric, or a math expression. */
export interface RenderedMetric {
  /** Namespace of a metric; undefined for an expression. */
  readonly namespace?: string;
  readonly metricName?: string;
  /** The metric's dimensions, values resolved. */
  readonly dimensions: Record<string, string>;
  /** The math expression of an expression row. */
  readonly expression?: string;
  /** The statistic of a metric row: its `stat`, else the body structure's default, Average. */
  readonly stat?: string;
  /** The rendering options: label, stat, period, id, visible, yAxis. */
  readonly options: Record<string, unknown>;
}

/** One widget: its type, title, metric rows (metric widgets), alarms (alarm widgets) and raw properties. */
export interface RenderedWidget {
  readonly type: string;
  readonly title?: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly metrics: RenderedMetric[];
  readonly properties: Record<string, unknown>;
}

/** One rendered dashboard. */
export interface RenderedDashboard {
  /** The DashboardName property, resolved; undefined when CloudFormation generates it. */
  readonly name?: string;
  readonly widgets: RenderedWidget[];
}

function metricRow(row: unknown[]): RenderedMetric {
  const [first, ...rest] = row;
  if (typeof first === 'object' && first !== null) {
    const { expression, ...options } = first as Record<string, unknown>;
    return { expression: String(expression), dimensions: {}, options };
  }
  const last = rest[rest.length - 1];
  const options = typeof last === 'object' && last !== null ? last as Record<string, unknown> : {};
  const names = typeof last === 'object' ? rest.slice(1, -1) : rest.slice(1);
  const dimensions: Record<string, string> = {};
  for (let i = 0; i < names.length; i += 2) dimensions[String(names[i])] = String(names[i + 1]);
  return { namespace: String(first), metricName: String(rest[0]), dimensions, stat: (options.stat as string | undefined) ?? 'Average', options };
}

function widgetOf(raw: Record<string, unknown>): RenderedWidget {
  const properties = (raw.properties ?? {}) as Record<string, unknown>;
  return {
    type: String(raw.type),
    title: properties.title as string | undefined,
    x: raw.x as number,
    y: raw.y as number,
    width: raw.width as number,
    height: raw.height as number,
    metrics: ((properties.metrics ?? []) as unknown[][]).map(metricRow),
    properties,
  };
}

/** Every dashboard of the template by logical id, rendered. */
export function renderDashboards(template: Template): Record<string, RenderedDashboard> {
  return Object.fromEntries(Object.entries(template.findResources('AWS::CloudWatch::Dashboard')).map(([id, resource]) => {
    const body = JSON.parse(String(resolve(resource.Properties.DashboardBody, EXAMPLE_STACK))) as { widgets: Record<string, unknown>[] };
    const name = resource.Properties.DashboardName === undefined ? undefined : String(resolve(resource.Properties.DashboardName, EXAMPLE_STACK));
    return [id, { name, widgets: body.widgets.map(widgetOf) }];
  }));
}

/** The template's one dashboard, rendered; throws unless there is exactly one. */
export function renderDashboard(template: Template): RenderedDashboard {
  const dashboards = Object.values(renderDashboards(template));
  if (dashboards.length !== 1) throw new Error(`expected one dashboard, found ${dashboards.length}`);
  return dashboards[0];
}

/** The widget titled `title`; throws when there is none. */
export function widgetTitled(dashboard: RenderedDashboard, title: string): RenderedWidget {
  const widget = dashboard.widgets.find((w) => w.title === title);
  if (!widget) throw new Error(`no widget titled "${title}": ${dashboard.widgets.map((w) => w.title).join(' | ')}`);
  return widget;
}

/** The metric rows that draw a line (expressions and metrics not hidden as an expression's input). */
export function visibleMetrics(widget: RenderedWidget): RenderedMetric[] {
  return widget.metrics.filter((m) => m.options.visible !== false);
}

/** How many metric rows the dashboard holds, the count CloudWatch's free tier bounds at 50 per dashboard. */
export function metricCount(dashboard: RenderedDashboard): number {
  return dashboard.widgets.reduce((n, w) => n + w.metrics.length, 0);
}

/** The logical id a resolved reference names: `Queue4A7E3555.QueueName` -> `Queue4A7E3555`. */
export function logicalIdOf(reference: string): string {
  return reference.split('.')[0];
}

/** The widget titles docs/dashboards.md lists under `## <section>`, in order (`1. **<title>**`). */
export function documentedWidgets(section: string): string[] {
  const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'dashboards.md'), 'utf8');
  const start = doc.indexOf(`\n## ${section}\n`);
  if (start < 0) throw new Error(`docs/dashboards.md has no section "${section}"`);
  const end = doc.indexOf('\n## ', start + 1);
  return [...doc.slice(start, end < 0 ? undefined : end).matchAll(/^\d+\. \*\*(.+?)\*\*/gm)].map((match) => match[1]);
}

/**
 * The dashboard's widget titles (a text widget's heading for its title), each replaced by the
 * documented title at its place when it starts with it: equal to `documented` exactly when the
 * page lists the widgets in order.
 */
export function titlesAsDocumented(dashboard: RenderedDashboard, documented: readonly string[]): string[] {
  return dashboard.widgets
    .map((w) => w.title ?? String(w.properties.markdown ?? '').split('\n')[0].replace(/^#+ /, ''))
    .map((title, n) => (documented[n] !== undefined && title.startsWith(documented[n]) ? documented[n] : title));
}
