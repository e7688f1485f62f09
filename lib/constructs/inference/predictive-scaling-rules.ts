import { Token } from 'aws-cdk-lib';
import { Problem } from '../../validation';

/** A metric data query of a predictive scaling metric specification, as the API takes it. */
export interface PredictiveMetricDataQuery {
  readonly id: string;
  readonly label?: string;
  readonly expression?: string;
  readonly metricStat?: { readonly stat: string; readonly metric: unknown };
  readonly returnData?: boolean;
}

/** A custom load, scaling or capacity metric: its metric data queries. */
export interface PredictiveCustomizedMetric {
  readonly metricDataQueries: readonly PredictiveMetricDataQuery[];
}

/** One metric specification of a predictive scaling policy. */
export interface PredictiveMetricSpecification {
  readonly targetValue: number;
  readonly customizedLoadMetricSpecification?: PredictiveCustomizedMetric;
  readonly customizedScalingMetricSpecification?: PredictiveCustomizedMetric;
  readonly customizedCapacityMetricSpecification?: PredictiveCustomizedMetric;
  readonly predefinedMetricPairSpecification?: unknown;
  readonly predefinedLoadMetricSpecification?: unknown;
  readonly predefinedScalingMetricSpecification?: unknown;
}

/** A predictive scaling configuration (`PredictiveScalingConfiguration`), in the camel case of the L1. */
export interface PredictiveScalingConfig {
  readonly metricSpecifications: readonly PredictiveMetricSpecification[];
  readonly mode?: string;
  readonly schedulingBufferTime?: number;
  readonly maxCapacityBreachBehavior?: string;
  readonly maxCapacityBuffer?: number;
}

/** The forecast is hourly: the scheduling buffer must stay below one interval. */
export const FORECAST_INTERVAL_SECONDS = 3600;
/** Metrics (an expression counts as one) one metric specification may query. */
export const MAX_QUERIES_PER_METRIC = 10;

const MODES = ['ForecastOnly', 'ForecastAndScale'];
const BREACH_BEHAVIORS = ['HonorMaxCapacity', 'IncreaseMaxCapacity'];
const QUERY_ID = /^[a-z][A-Za-z0-9_]{0,254}$/;
/** Identifiers in an expression that name a query: ids start lower case, CloudWatch's functions are upper case. */
const EXPRESSION_IDS = /(?<![A-Za-z0-9_])[a-z][A-Za-z0-9_]*/g;
/** String literals of an expression (a SEARCH query), which name no query. */
const STRING_LITERALS = /'[^']*'|"[^"]*"/g;

/** The query ids `expression` refers to. */
function referencedIds(expression: string | undefined): string[] {
  if (expression === undefined || Token.isUnresolved(expression)) return [];
  return [...expression.replace(STRING_LITERALS, '').matchAll(EXPRESSION_IDS)].map((m) => m[0]);
}

function queryProblems(where: string, queries: readonly PredictiveMetricDataQuery[], metric: 'load' | 'scaling' | 'capacity'): Problem[] {
  const ids = queries.map((q) => q.id);
  const duplicate = ids.find((id, n) => ids.indexOf(id) !== n);
  const returning = queries.filter((q) => q.returnData !== false);
  return [
    queries.length >= 1 && queries.length <= MAX_QUERIES_PER_METRIC
      ? undefined
      : `${where} has ${queries.length} metric data queries: a metric specification queries 1 to ${MAX_QUERIES_PER_METRIC} metrics (an expression counts as one)`,
    returning.length === 1
      ? undefined
      : `${where} returns ${returning.length} time series (ReturnData true or unset): it must return exactly one, so set ReturnData false on every query but the final expression`,
    duplicate === undefined ? undefined : `${where} uses the id "${duplicate}" twice: ids must be unique within a metric`,
    ...queries.flatMap((q, n): Problem[] => [
      QUERY_ID.test(q.id) ? undefined : `${where}[${n}].id ("${q.id}") must start with a lower-case letter and hold only letters, digits and underscores (at most 255)`,
      (q.expression === undefined) !== (q.metricStat === undefined)
        ? undefined
        : `${where}[${n}] ("${q.id}") must have either an expression or a metricStat, not ${q.expression === undefined ? 'neither' : 'both'}`,
      q.expression === undefined || Token.isUnresolved(q.expression) || q.expression.length <= 1023
        ? undefined
        : `${where}[${n}] ("${q.id}") has an expression of ${q.expression.length} characters: at most 1023`,
      ...referencedIds(q.expression)
        .filter((name) => !ids.includes(name))
        .map((name) => `${where}[${n}] ("${q.id}") uses "${name}", which no query of this metric specification defines`),
      // The load metric is the total load on the group: CloudWatch sums it into hourly data points.
      metric === 'load' && q.metricStat && q.metricStat.stat !== 'Sum'
        ? `${where}[${n}] ("${q.id}") aggregates the load metric with ${q.metricStat.stat}: use Sum, the total load of the group`
        : undefined,
    ]),
  ];
}

function customizedProblems(where: string, metric: PredictiveCustomizedMetric | undefined, kind: 'load' | 'scaling' | 'capacity'): Problem[] {
  return metric ? queryProblems(`${where}.metricDataQueries`, metric.metricDataQueries, kind) : [];
}

/**
 * What the Auto Scaling API would refuse (or what AWS documents as a rule) in a predictive
 * scaling configuration with custom metrics, each problem naming where it is. Checked at synth
 * so a broken policy fails there, not at deploy:
 * - one metric specification, with a load and a scaling metric (or a predefined pair) and a
 *   target above 0 (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_PredictiveScalingMetricSpecification.html);
 * - each metric queries up to 10 metrics, returns one time series, ids start lower case and are
 *   unique within a metric (AWS's own blue/green example reuses an id across the load and the
 *   scaling metric, so not across the policy), a query has an expression or a metric, not both
 *   (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_MetricDataQuery.html,
 *   https://docs.aws.amazon.com/autoscaling/ec2/userguide/predictive-scaling-customized-metric-specification.html);
 * - the load metric aggregated as Sum (same page: "Sum for the load metric");
 * - a mode of ForecastOnly or ForecastAndScale, a scheduling buffer of 0 to under 3600 s, and a
 *   MaxCapacityBuffer (0-100) only with IncreaseMaxCapacity
 *   (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_PredictiveScalingConfiguration.html).
 */
export function predictiveScalingConfigProblems(config: PredictiveScalingConfig): Problem[] {
  const specs = config.metricSpecifications;
  const buffer = config.schedulingBufferTime;
  return [
    specs.length === 1 ? undefined : `metricSpecifications has ${specs.length} entries: predictive scaling takes exactly one`,
    ...specs.flatMap((spec, n): Problem[] => {
      const where = `metricSpecifications[${n}]`;
      const pair = spec.predefinedMetricPairSpecification !== undefined;
      const load = spec.customizedLoadMetricSpecification ?? spec.predefinedLoadMetricSpecification;
      const scaling = spec.customizedScalingMetricSpecification ?? spec.predefinedScalingMetricSpecification;
      return [
        Token.isUnresolved(spec.targetValue) || spec.targetValue > 0 ? undefined : `${where}.targetValue (${spec.targetValue}) must be > 0`,
        (pair ? load === undefined && scaling === undefined : load !== undefined && scaling !== undefined)
          ? undefined
          : `${where} must name either a metric pair or both a load metric and a scaling metric`,
        ...customizedProblems(`${where}.customizedLoadMetricSpecification`, spec.customizedLoadMetricSpecification, 'load'),
        ...customizedProblems(`${where}.customizedScalingMetricSpecification`, spec.customizedScalingMetricSpecification, 'scaling'),
        ...customizedProblems(`${where}.customizedCapacityMetricSpecification`, spec.customizedCapacityMetricSpecification, 'capacity'),
      ];
    }),
    config.mode === undefined || MODES.includes(config.mode) ? undefined : `mode ("${config.mode}") must be one of ${MODES.join(', ')}`,
    buffer === undefined || Token.isUnresolved(buffer) || (Number.isInteger(buffer) && buffer >= 0 && buffer < FORECAST_INTERVAL_SECONDS)
      ? undefined
      : `schedulingBufferTime (${buffer}) must be whole seconds from 0 to under ${FORECAST_INTERVAL_SECONDS}, the forecast's hourly interval`,
    config.maxCapacityBreachBehavior === undefined || BREACH_BEHAVIORS.includes(config.maxCapacityBreachBehavior)
      ? undefined
      : `maxCapacityBreachBehavior ("${config.maxCapacityBreachBehavior}") must be one of ${BREACH_BEHAVIORS.join(', ')}`,
    (config.maxCapacityBreachBehavior === 'IncreaseMaxCapacity') === (config.maxCapacityBuffer !== undefined)
      ? undefined
      : 'maxCapacityBuffer is required with maxCapacityBreachBehavior IncreaseMaxCapacity and cannot be used otherwise',
    config.maxCapacityBuffer === undefined || (Number.isInteger(config.maxCapacityBuffer) && config.maxCapacityBuffer >= 0 && config.maxCapacityBuffer <= 100)
      ? undefined
      : `maxCapacityBuffer (${config.maxCapacityBuffer}) must be a whole percentage from 0 to 100`,
  ];
}
