import { PredictiveScalingConfig, predictiveScalingConfigProblems } from '../../../lib/constructs/inference/predictive-scaling-rules';
import { problemsOf } from '../../../lib/validation';
import { BLUE_GREEN_EXAMPLE, INCREASE_MAX_CAPACITY_EXAMPLE, SQS_METRIC_MATH_EXAMPLE, camelCase } from './aws-examples/predictive-scaling';

const problems = (config: unknown) => problemsOf(predictiveScalingConfigProblems(camelCase<PredictiveScalingConfig>(config)));
const sqs = () => JSON.parse(JSON.stringify(SQS_METRIC_MATH_EXAMPLE));

describe('predictiveScalingConfigProblems on AWS\'s documented examples', () => {
  test.each([
    ['the SQS metric math example', SQS_METRIC_MATH_EXAMPLE],
    ['the blue/green example (search expressions, an id shared by the load and the scaling metric)', BLUE_GREEN_EXAMPLE],
    ['the IncreaseMaxCapacity example with a predefined pair', INCREASE_MAX_CAPACITY_EXAMPLE],
  ])('accepts %s', (_name, example) => {
    expect(problems(example)).toEqual([]);
  });
});

describe('predictiveScalingConfigProblems rejects', () => {
  test('a scaling metric returning two time series (ReturnData left true on a metric of the expression)', () => {
    const config = sqs();
    delete config.MetricSpecifications[0].CustomizedScalingMetricSpecification.MetricDataQueries[0].ReturnData;
    expect(problems(config)).toEqual([expect.stringMatching(/customizedScalingMetricSpecification\.metricDataQueries returns 2 time series .*set ReturnData false/)]);
  });

  test('a load metric aggregated other than Sum', () => {
    const config = sqs();
    config.MetricSpecifications[0].CustomizedLoadMetricSpecification.MetricDataQueries[0].MetricStat.Stat = 'Average';
    expect(problems(config)).toEqual([expect.stringMatching(/customizedLoadMetricSpecification\.metricDataQueries\[0\] \("load_metric"\) aggregates the load metric with Average: use Sum/)]);
  });

  test('an expression naming a query the metric does not define', () => {
    const config = sqs();
    config.MetricSpecifications[0].CustomizedScalingMetricSpecification.MetricDataQueries[2].Expression = 'queue_size / capacity';
    expect(problems(config)).toEqual([expect.stringMatching(/\("scaling_metric"\) uses "capacity", which no query of this metric specification defines/)]);
  });

  test('an id that does not start with a lower-case letter', () => {
    const config = sqs();
    config.MetricSpecifications[0].CustomizedLoadMetricSpecification.MetricDataQueries[0].Id = 'Load';
    expect(problems(config)).toEqual([expect.stringMatching(/metricDataQueries\[0\]\.id \("Load"\) must start with a lower-case letter/)]);
  });

  test('an id used twice within one metric', () => {
    const config = sqs();
    config.MetricSpecifications[0].CustomizedScalingMetricSpecification.MetricDataQueries[1].Id = 'queue_size';
    expect(problems(config)).toContainEqual(expect.stringMatching(/uses the id "queue_size" twice: ids must be unique within a metric/));
  });

  test('a query with both an expression and a metric', () => {
    const config = sqs();
    config.MetricSpecifications[0].CustomizedLoadMetricSpecification.MetricDataQueries[0].Expression = 'load_metric * 2';
    expect(problems(config)).toContainEqual(expect.stringMatching(/\[0\] \("load_metric"\) must have either an expression or a metricStat, not both/));
  });

  test('more than 10 queries in one metric', () => {
    const config = sqs();
    const queries = config.MetricSpecifications[0].CustomizedScalingMetricSpecification.MetricDataQueries;
    for (let n = 0; n < 8; n++) queries.unshift({ ...queries[0], Id: `extra_${n}` });
    expect(problems(config)).toEqual([expect.stringMatching(/has 11 metric data queries: a metric specification queries 1 to 10 metrics/)]);
  });

  test('a load metric without a scaling metric', () => {
    const config = sqs();
    delete config.MetricSpecifications[0].CustomizedScalingMetricSpecification;
    expect(problems(config)).toEqual([expect.stringMatching(/metricSpecifications\[0\] must name either a metric pair or both a load metric and a scaling metric/)]);
  });

  test('two metric specifications', () => {
    const config = sqs();
    config.MetricSpecifications.push(config.MetricSpecifications[0]);
    expect(problems(config)).toEqual([expect.stringMatching(/metricSpecifications has 2 entries: predictive scaling takes exactly one/)]);
  });

  test('a target of 0', () => {
    const config = sqs();
    config.MetricSpecifications[0].TargetValue = 0;
    expect(problems(config)).toEqual([expect.stringMatching(/metricSpecifications\[0\]\.targetValue \(0\) must be > 0/)]);
  });

  test('a scheduling buffer of the whole forecast interval', () => {
    expect(problems({ ...sqs(), SchedulingBufferTime: 3600 })).toEqual([expect.stringMatching(/schedulingBufferTime \(3600\) must be whole seconds from 0 to under 3600/)]);
  });

  test('an unknown mode', () => {
    expect(problems({ ...sqs(), Mode: 'Scale' })).toEqual([expect.stringMatching(/mode \("Scale"\) must be one of ForecastOnly, ForecastAndScale/)]);
  });

  test('an unknown max capacity breach behaviour', () => {
    expect(problems({ ...sqs(), MaxCapacityBreachBehavior: 'Ignore' })).toEqual([expect.stringMatching(/maxCapacityBreachBehavior \("Ignore"\) must be one of HonorMaxCapacity, IncreaseMaxCapacity/)]);
  });

  test('a max capacity buffer with HonorMaxCapacity', () => {
    expect(problems({ ...sqs(), MaxCapacityBreachBehavior: 'HonorMaxCapacity', MaxCapacityBuffer: 10 })).toEqual([
      'maxCapacityBuffer is required with maxCapacityBreachBehavior IncreaseMaxCapacity and cannot be used otherwise',
    ]);
  });

  test('a max capacity buffer above 100 %', () => {
    expect(problems({ ...INCREASE_MAX_CAPACITY_EXAMPLE, MaxCapacityBuffer: 150 })).toEqual([expect.stringMatching(/maxCapacityBuffer \(150\) must be a whole percentage from 0 to 100/)]);
  });

  test('an expression longer than 1023 characters', () => {
    const config = sqs();
    config.MetricSpecifications[0].CustomizedScalingMetricSpecification.MetricDataQueries[2].Expression = `queue_size / running_capacity${' + 0'.repeat(300)}`;
    expect(problems(config)).toEqual([expect.stringMatching(/has an expression of 1229 characters: at most 1023/)]);
  });
});
