import {
  MAX_PROBLEMS, MAX_PROBLEM_CHARS, SNS_MAX_MESSAGE_BYTES, boundedProblems, notificationId, notificationProblems,
} from '../../lib/runtime/inference/job-notification';

const NOTIFICATION = {
  version: 1,
  notificationId: notificationId('failed', 's3://jobs-results/errors/order-17.json'),
  jobId: 'order-17',
  status: 'failed',
  repeat: false,
  location: 's3://jobs-results/errors/order-17.json',
  attempt: 3,
  model: { name: 'llm', version: '7' },
  instanceId: 'i-0123456789abcdef0',
  problems: ['inference server answered 500'],
  notifiedAt: '2026-05-01T12:00:00.000Z',
};

describe('job notifications', () => {
  test('a notification of the agent is valid against the published schema', () => {
    expect(notificationProblems(NOTIFICATION)).toEqual([]);
  });

  test('the schema knows only the three outcomes', () => {
    expect(notificationProblems({ ...NOTIFICATION, status: 'done' })).toEqual(['/status must be equal to one of the allowed values']);
  });

  test('one outcome at one location has one id, stable across repeats; another outcome another id', () => {
    expect(notificationId('succeeded', 's3://b/results/j1')).toBe(notificationId('succeeded', 's3://b/results/j1'));
    expect(notificationId('succeeded', 's3://b/results/j1')).toMatch(/^[0-9a-f]{32}$/);
    expect(notificationId('failed', 's3://b/errors/j1.json')).not.toBe(notificationId('expired', 's3://b/errors/j1.json'));
  });

  test('keeps a few short problems as they are', () => {
    expect(boundedProblems(['a', 'b'])).toEqual(['a', 'b']);
  });

  test('lists at most MAX_PROBLEMS problems and counts the rest', () => {
    const problems = boundedProblems(Array.from({ length: 5000 }, (_, i) => `problem ${i}`));
    expect(problems).toHaveLength(MAX_PROBLEMS + 1);
    expect(problems.at(-1)).toBe(`… and ${5000 - MAX_PROBLEMS} more problems`);
  });

  test('cuts a long problem', () => {
    expect(boundedProblems(['x'.repeat(10_000)])[0]).toHaveLength(MAX_PROBLEM_CHARS);
  });

  test('the largest notification the bound allows, every character escaped in JSON, is far below SNS\'s limit', () => {
    const worst = { ...NOTIFICATION, jobId: 'j'.repeat(128), problems: boundedProblems(Array.from({ length: 5000 }, () => '\u0000'.repeat(10_000))) };
    expect(notificationProblems(worst)).toEqual([]);
    expect(Buffer.byteLength(JSON.stringify(worst))).toBeLessThan(SNS_MAX_MESSAGE_BYTES / 2);
  });
});
