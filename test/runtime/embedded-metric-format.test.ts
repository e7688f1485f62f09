import { extractEmbeddedMetrics } from '../helpers/embedded-metric-format';

/**
 * The reader the agent's metrics are checked with, on AWS's own example of a valid embedded
 * metric format document and on documents that break the specification's rules
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html).
 */
const AWS_EXAMPLE = {
  _aws: {
    Timestamp: 1574109732004,
    CloudWatchMetrics: [{ Namespace: 'lambda-function-metrics', Dimensions: [['functionVersion']], Metrics: [{ Name: 'time', Unit: 'Milliseconds' }] }],
  },
  functionVersion: '$LATEST',
  time: 100,
  requestId: '989ffbf8-9ace-4817-a57c-e4dd734019ee',
};

describe('extractEmbeddedMetrics', () => {
  test('reads AWS\'s example: one metric, its unit, its dimension and its value', () => {
    expect(extractEmbeddedMetrics(JSON.stringify(AWS_EXAMPLE))).toEqual([
      { namespace: 'lambda-function-metrics', name: 'time', unit: 'Milliseconds', dimensions: { functionVersion: '$LATEST' }, values: [100] },
    ]);
  });

  test('a document without a Timestamp is not EMF (AWS\'s schema requires it)', () => {
    const metadata = { CloudWatchMetrics: AWS_EXAMPLE._aws.CloudWatchMetrics };
    expect(() => extractEmbeddedMetrics(JSON.stringify({ ...AWS_EXAMPLE, _aws: metadata }))).toThrow(/not an embedded metric format document/);
  });

  test('a dimension target must be a string on the root', () => {
    expect(() => extractEmbeddedMetrics(JSON.stringify({ ...AWS_EXAMPLE, functionVersion: 7 }))).toThrow(/dimension target functionVersion must be a string/);
  });

  test('a metric target must be a number', () => {
    expect(() => extractEmbeddedMetrics(JSON.stringify({ ...AWS_EXAMPLE, time: '100' }))).toThrow(/metric target time must be a number/);
  });

  test('data before the JSON object is not an event the CloudWatch agent sends as EMF', () => {
    expect(() => extractEmbeddedMetrics(`INFO ${JSON.stringify(AWS_EXAMPLE)}`)).toThrow(/would not send this event as EMF/);
  });
});
