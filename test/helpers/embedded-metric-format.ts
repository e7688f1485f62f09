import Ajv from 'ajv';
import schema from './schemas/cloudwatch-embedded-metric-format.json';

// AWS's schema as printed: its `$id`s are JSON pointers into itself, which ajv would register as
// schema ids; they identify nothing, so they are dropped before it is compiled.
function withoutIds(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutIds);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(Object.entries(node).filter(([key]) => key !== '$id').map(([key, value]) => [key, withoutIds(value)]));
}

const validateDocument = new Ajv({ allErrors: true }).compile(withoutIds(schema) as object);

/** A metric CloudWatch Logs extracts from a log event: namespace, name, unit, dimensions and values. */
export interface ExtractedMetric {
  readonly namespace: string;
  readonly name: string;
  readonly unit: string;
  readonly dimensions: Record<string, string>;
  readonly values: number[];
}

/**
 * The metrics CloudWatch Logs extracts from one log event, read by the embedded metric format
 * specification (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html):
 * the event is one JSON object with nothing before or after it, valid against AWS's schema; each
 * MetricDirective's dimension references name string members of the root, each metric name a
 * member that is a number or an array of at most 100 numbers; a metric without a Unit has None.
 * Throws naming the first rule broken. Also checks what makes the instance's CloudWatch agent send
 * the log stream as EMF (`{`...`}` holding "CloudWatchMetrics"; amazon-cloudwatch-agent,
 * plugins/outputs/cloudwatchlogs/cloudwatchlogs.go, cwDest.Publish).
 */
export function extractEmbeddedMetrics(logEvent: string): ExtractedMetric[] {
  if (!(logEvent.startsWith('{') && logEvent.endsWith('}') && logEvent.includes('"CloudWatchMetrics"'))) {
    throw new Error(`the CloudWatch agent would not send this event as EMF (not {...} holding "CloudWatchMetrics"): ${logEvent}`);
  }
  const root = JSON.parse(logEvent) as Record<string, unknown>;
  if (!validateDocument(root)) throw new Error(`not an embedded metric format document: ${JSON.stringify(validateDocument.errors)}`);
  const directives = (root._aws as { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit?: string }[] }[] }).CloudWatchMetrics;
  return directives.flatMap((directive) => directive.Dimensions.flatMap((set) => {
    const dimensions = Object.fromEntries(set.map((key) => {
      if (typeof root[key] !== 'string') throw new Error(`dimension target ${key} must be a string member of the root, not ${JSON.stringify(root[key])}`);
      return [key, root[key] as string];
    }));
    return directive.Metrics.map((metric) => {
      const target = root[metric.Name];
      const values = Array.isArray(target) ? target : [target];
      if (values.length > 100 || !values.every((v) => typeof v === 'number')) {
        throw new Error(`metric target ${metric.Name} must be a number or an array of at most 100 numbers, not ${JSON.stringify(target)}`);
      }
      return { namespace: directive.Namespace, name: metric.Name, unit: metric.Unit ?? 'None', dimensions, values: values as number[] };
    });
  }));
}
