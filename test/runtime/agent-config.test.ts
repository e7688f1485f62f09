import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AGENT_CONFIG_DEFAULTS, loadConfig, longPollSeconds, parseConfig } from '../../lib/runtime/inference/agent/config';

const IDENTITY = { INSTANCE_ID: 'i-0123', AUTOSCALING_GROUP_NAME: 'fleet' };
const FILE = {
  model: { name: 'llm', version: '7', containerImage: 'public.ecr.aws/acme/llm-server:1.2', gpuMemoryFraction: 0.8 },
  queueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/jobs',
  region: 'eu-west-1',
  inferenceUrl: 'http://127.0.0.1:8080/invocations',
  jobTimeoutSeconds: 900,
  maxConcurrentJobs: 4,
  visibilityTimeoutSeconds: 60,
  heartbeatIntervalSeconds: 20,
  waitTimeSeconds: 20,
  retryDelaySeconds: 30,
  drainTimeoutSeconds: 900,
  drainMarginSeconds: 15,
  imdsEndpoint: 'http://169.254.169.254',
  imdsPollIntervalSeconds: 5,
  protectionReleaseDelaySeconds: 10,
  lifecycleRetryIntervalSeconds: 10,
  terminationLifecycleHookName: 'drain',
  resultsBucketName: 'jobs-results',
  successTopicArn: 'arn:aws:sns:eu-west-1:123456789012:job-succeeded',
  errorTopicArn: 'arn:aws:sns:eu-west-1:123456789012:job-failed',
  maxAttempts: 3,
  metricsNamespace: 'AI/Custom',
};

describe('agent config', () => {
  test('merges the file with the defaults and the instance identity from the environment', () => {
    expect(parseConfig(FILE, IDENTITY)).toEqual({ ...AGENT_CONFIG_DEFAULTS, ...FILE, instanceId: 'i-0123', autoScalingGroupName: 'fleet' });
  });

  test('defaults bound every AWS call and its retries', () => {
    expect(AGENT_CONFIG_DEFAULTS).toEqual({
      apiConnectTimeoutSeconds: 3,
      apiTimeoutSeconds: 10,
      imdsTimeoutSeconds: 2,
      backoffBaseSeconds: 1,
      backoffMaxSeconds: 20,
      deleteRetryBudgetSeconds: 600,
    });
  });

  test('keeps the deadlines and backoff the file sets', () => {
    const config = parseConfig({ ...FILE, apiTimeoutSeconds: 4, backoffMaxSeconds: 60, deleteRetryBudgetSeconds: 0 }, IDENTITY);
    expect(config).toMatchObject({ apiTimeoutSeconds: 4, backoffMaxSeconds: 60, deleteRetryBudgetSeconds: 0, apiConnectTimeoutSeconds: 3 });
  });

  test('rejects a deadline that is not positive', () => {
    expect(() => parseConfig({ ...FILE, apiTimeoutSeconds: 0 }, IDENTITY)).toThrow(/apiTimeoutSeconds \(0\) must be a number > 0/);
  });

  test('rejects a lifecycle retry interval of 0', () => {
    expect(() => parseConfig({ ...FILE, lifecycleRetryIntervalSeconds: 0 }, IDENTITY)).toThrow(/lifecycleRetryIntervalSeconds \(0\) must be a number > 0/);
  });

  test('rejects a deadline that is not a number', () => {
    expect(() => parseConfig({ ...FILE, imdsTimeoutSeconds: '2' }, IDENTITY)).toThrow(/imdsTimeoutSeconds \("2"\) must be a number > 0/);
  });

  test('rejects a negative delete retry budget', () => {
    expect(() => parseConfig({ ...FILE, deleteRetryBudgetSeconds: -1 }, IDENTITY)).toThrow(/deleteRetryBudgetSeconds \(-1\) must be a number >= 0/);
  });

  test('rejects a backoff cap below its base', () => {
    expect(() => parseConfig({ ...FILE, backoffBaseSeconds: 5, backoffMaxSeconds: 2 }, IDENTITY))
      .toThrow(/backoffMaxSeconds \(2\) must be >= backoffBaseSeconds \(5\)/);
  });

  test('accepts a heartbeat of a fraction of a second', () => {
    expect(parseConfig({ ...FILE, heartbeatIntervalSeconds: 0.5 }, IDENTITY).heartbeatIntervalSeconds).toBe(0.5);
  });

  test('requires the model served', () => {
    expect(() => parseConfig({ ...FILE, model: undefined }, IDENTITY)).toThrow(/model \(undefined\) must name the model served/);
  });

  test('rejects an empty string field', () => {
    expect(() => parseConfig({ ...FILE, queueUrl: '' }, IDENTITY)).toThrow(/queueUrl \(""\) must be a non-empty string/);
  });

  test('requires the results bucket', () => {
    expect(() => parseConfig({ ...FILE, resultsBucketName: undefined }, IDENTITY)).toThrow(/resultsBucketName \(undefined\) must be a non-empty string/);
  });

  test('requires the namespace of the job metrics', () => {
    expect(() => parseConfig({ ...FILE, metricsNamespace: undefined }, IDENTITY)).toThrow(/metricsNamespace \(undefined\) must be a non-empty string/);
  });

  test('rejects a fractional maxAttempts', () => {
    expect(() => parseConfig({ ...FILE, maxAttempts: 1.5 }, IDENTITY)).toThrow(/maxAttempts \(1.5\) must be a whole number >= 1: the job queue's maxReceiveCount/);
  });

  test('rejects maxAttempts 0', () => {
    expect(() => parseConfig({ ...FILE, maxAttempts: 0 }, IDENTITY)).toThrow(/maxAttempts \(0\) must be a whole number >= 1/);
  });

  test('rejects a negative duration', () => {
    expect(() => parseConfig({ ...FILE, drainMarginSeconds: -1 }, IDENTITY)).toThrow(/drainMarginSeconds \(-1\) must be a number >= 0/);
  });

  test('rejects a fractional SQS duration', () => {
    expect(() => parseConfig({ ...FILE, retryDelaySeconds: 0.5 }, IDENTITY)).toThrow(/retryDelaySeconds \(0.5\) must be a whole number/);
  });

  test('rejects a heartbeat not shorter than the visibility timeout', () => {
    expect(() => parseConfig({ ...FILE, heartbeatIntervalSeconds: 60 }, IDENTITY))
      .toThrow(/heartbeatIntervalSeconds \(60\) must be > 0 and < visibilityTimeoutSeconds \(60\)/);
  });

  test.each([0, 1.5, 1001, '4', undefined])('rejects maxConcurrentJobs %p', (slots) => {
    expect(() => parseConfig({ ...FILE, maxConcurrentJobs: slots }, IDENTITY)).toThrow(`maxConcurrentJobs (${JSON.stringify(slots)}) must be a whole number from 1 to 1000`);
  });

  test('rejects a visibility timeout too short for a long poll and the first heartbeat, naming both fixes', () => {
    expect(() => parseConfig({ ...FILE, visibilityTimeoutSeconds: 20, heartbeatIntervalSeconds: 5 }, IDENTITY)).toThrow(
      'visibilityTimeoutSeconds (20 s) must be at least 21 s: a message received at the end of a long poll must stay hidden through a 1 s poll, '
      + 'the receive\'s answer and its first heartbeat (10 s each); raise it or lower apiTimeoutSeconds');
  });

  test('accepts a short visibility timeout with short call deadlines', () => {
    expect(parseConfig({ ...FILE, visibilityTimeoutSeconds: 3, heartbeatIntervalSeconds: 1, apiTimeoutSeconds: 1 }, IDENTITY).visibilityTimeoutSeconds).toBe(3);
  });

  test('the long poll shortens itself to fit the visibility timeout, down to 1 s', () => {
    const config = (visibilityTimeoutSeconds: number, apiTimeoutSeconds: number) => ({ waitTimeSeconds: 20, visibilityTimeoutSeconds, apiTimeoutSeconds });
    expect(longPollSeconds(config(60, 10))).toBe(20);
    expect(longPollSeconds(config(30, 10))).toBe(10);
    expect(longPollSeconds(config(3, 1))).toBe(1);
    expect(longPollSeconds(config(3, 0.5))).toBe(2);
  });

  test('rejects a long-poll wait outside 1-20 s', () => {
    expect(() => parseConfig({ ...FILE, waitTimeSeconds: 0 }, IDENTITY)).toThrow(/waitTimeSeconds \(0\) must be between 1 and 20/);
  });

  test('requires the instance identity', () => {
    expect(() => parseConfig(FILE, {})).toThrow(/INSTANCE_ID is not set[\s\S]*AUTOSCALING_GROUP_NAME is not set/);
  });

  test('reads the file named by the first argument', () => {
    const dir = mkdtempSync(join(tmpdir(), 'agent-config-'));
    try {
      writeFileSync(join(dir, 'agent.json'), JSON.stringify(FILE));
      expect(loadConfig(['node', 'agent.js', join(dir, 'agent.json')], IDENTITY).queueUrl).toBe(FILE.queueUrl);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('needs a config file path', () => {
    expect(() => loadConfig(['node', 'agent.js'], IDENTITY)).toThrow(/pass its path as the first argument or in AGENT_CONFIG/);
  });
});
