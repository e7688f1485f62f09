import { createJobEnvelope } from '../../lib/runtime/inference/job-envelope';
import { MAX_PROBLEMS, SNS_MAX_MESSAGE_BYTES, notificationProblems } from '../../lib/runtime/inference/job-notification';
import { AgentWorld, ERROR_TOPIC, RESULTS_BUCKET, SUCCESS_TOPIC, soundLedger } from './agent-world';
import { DRILL_WAIT_MS, bundleDrills } from './bundle-drills';

/**
 * Drills of the announcements users build on, on the shipped bundle: every job is announced
 * once as new (never first as a repeat), under one notification id per outcome, whatever
 * crashes, lost answers, throttling or redrives happen; no job with a result is announced as
 * failed; every failure, protection included, is recorded before the job is dead-lettered.
 * Each ends with the ledger, which also checks every notification against the published schema.
 */
describe('job announcements', () => {
  const { drill, bundle, terminate } = bundleDrills();

  const errorDocument = (world: AgentWorld, jobId: string): Record<string, unknown> | undefined => {
    const stored = world.s3.get(RESULTS_BUCKET, `errors/${jobId}.json`);
    return stored && JSON.parse(stored.body.toString()) as Record<string, unknown>;
  };
  const schemaProblemsOf = (world: AgentWorld): string[] => world.sns.published.flatMap((p) => notificationProblems(JSON.parse(p.message)));

  drill('S3 stored the result but its answer was lost: the retry meets 412 and announces the job once, not as a repeat', async (world) => {
    const job = world.sendJob();
    world.s3.faults.inject('PutObject', 'answer-lost', { times: 1, detailPrefix: `results/${job.id}` });
    const agent = world.runAgent(bundle(), { jobTimeoutSeconds: 10, apiTimeoutSeconds: 2 });
    await world.until(() => job.deleted, 'the job to be deleted', DRILL_WAIT_MS);
    expect(await terminate(world, agent.exited)).toBe(0);

    expect(world.s3.puts.filter((put) => put.key === `results/${job.id}`).map((put) => put.status)).toEqual([200, 412]);
    expect(world.sns.messagesTo(SUCCESS_TOPIC)).toEqual([expect.objectContaining({ jobId: job.id, repeat: false })]);
    expect(schemaProblemsOf(world)).toEqual([]);
    expect(world.ledger()).toEqual(soundLedger({ completed: 1 }));
  });

  drill('a duplicate delivery of a finished job, receive count 1: nothing runs, the repeat carries the first id', async (world) => {
    const body = JSON.stringify(createJobEnvelope({ jobId: 'order-17', contentType: 'application/json', input: { inline: '{}' } }));
    const first = world.aws.queue.send(body);
    const duplicate = world.aws.queue.send(body);
    const agent = world.runAgent(bundle(), { jobTimeoutSeconds: 10, apiTimeoutSeconds: 2 });
    await world.until(() => first.deleted && duplicate.deleted, 'both messages to be deleted', DRILL_WAIT_MS);
    expect(await terminate(world, agent.exited)).toBe(0);

    expect(duplicate.receiveCount).toBe(1);
    expect(world.inference.started).toEqual(['order-17']);
    const notifications = world.sns.messagesTo(SUCCESS_TOPIC);
    expect(notifications.map((n) => n.repeat)).toEqual([false, true]);
    expect(notifications[1].notificationId).toBe(notifications[0].notificationId);
    expect(world.ledger()).toEqual(soundLedger({ completed: 2 }));
  });

  drill('SNS down across every attempt: dead-lettered with its result, then redriven (a new message): nothing runs, announced once', async (world) => {
    const job = world.sendJob();
    world.aws.queue.maxReceiveCount = 2;
    world.sns.faults.inject('Publish', 'unavailable');
    const agent = world.runAgent(bundle(), { maxAttempts: 2, jobTimeoutSeconds: 2, retryDelaySeconds: 0, deleteRetryBudgetSeconds: 1 });
    await world.until(() => job.deadLettered, 'the job to be dead-lettered', DRILL_WAIT_MS);
    world.sns.faults.clear();
    const [redriven] = world.aws.queue.redrive();
    await world.until(() => redriven.deleted, 'the redriven job to be deleted', DRILL_WAIT_MS);
    expect(await terminate(world, agent.exited)).toBe(0);

    expect(world.inference.started).toEqual([job.id]);
    // The last attempt may still announce after its deadline, beside the redriven message: the first is new, all share one id.
    const notifications = world.sns.messagesTo(SUCCESS_TOPIC);
    expect(notifications[0].repeat).toBe(false);
    expect(new Set(notifications.map((n) => n.notificationId)).size).toBe(1);
    expect(errorDocument(world, job.id)).toBeUndefined();
    expect(world.ledger()).toEqual(soundLedger({ completed: 1 }));
  });

  drill('SNS KMSThrottling on the encrypted topic is retried like any throttling: one notification, one receive', async (world) => {
    const job = world.sendJob();
    world.sns.faults.inject('Publish', 'kms-throttled', { times: 3 });
    const agent = world.runAgent(bundle(), { jobTimeoutSeconds: 10, apiTimeoutSeconds: 2 });
    await world.until(() => job.deleted, 'the job to be deleted', DRILL_WAIT_MS);
    expect(await terminate(world, agent.exited)).toBe(0);

    expect(world.logsOf('sns_publish_failing')).toEqual([expect.objectContaining({ error: 'Rate exceeded (injected)' })]);
    expect(world.logsOf('sns_publish_recovered')).toEqual([expect.objectContaining({ failures: 3 })]);
    expect(job.receiveCount).toBe(1);
    expect(world.sns.messagesTo(SUCCESS_TOPIC)).toHaveLength(1);
    expect(world.ledger()).toEqual(soundLedger({ completed: 1 }));
  });

  drill('a publish SNS accepted whose answer was lost is sent again under the same notification id', async (world) => {
    const job = world.sendJob();
    world.sns.faults.inject('Publish', 'answer-lost', { times: 1 });
    const agent = world.runAgent(bundle(), { jobTimeoutSeconds: 10, apiTimeoutSeconds: 2 });
    await world.until(() => job.deleted, 'the job to be deleted', DRILL_WAIT_MS);
    expect(await terminate(world, agent.exited)).toBe(0);

    const notifications = world.sns.messagesTo(SUCCESS_TOPIC);
    expect(notifications.map((n) => n.repeat)).toEqual([false, false]);
    expect(notifications[0].notificationId).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(notifications.map((n) => n.notificationId)).size).toBe(1);
    expect(schemaProblemsOf(world)).toEqual([]);
    expect(world.sns.published.map((p) => p.attributes.notificationId)).toEqual([notifications[0].notificationId, notifications[0].notificationId]);
    expect(world.ledger()).toEqual(soundLedger({ completed: 1 }));
  });

  drill('a malformed message reusing a finished job\'s id writes no error document and announces no failure', async (world) => {
    const job = world.sendJob({ jobId: 'order-18', outputPrefix: 'batch-1/' });
    const agent = world.runAgent(bundle(), { jobTimeoutSeconds: 10, apiTimeoutSeconds: 2 });
    await world.until(() => job.deleted, 'the job to be deleted', DRILL_WAIT_MS);
    const impostor = world.aws.queue.send(JSON.stringify({ version: 1, jobId: 'order-18', input: 'not an input' }));
    await world.until(() => impostor.deleted, 'the malformed message to be deleted', DRILL_WAIT_MS);
    expect(await terminate(world, agent.exited)).toBe(0);

    expect(errorDocument(world, 'order-18')).toBeUndefined();
    expect(world.sns.messagesTo(ERROR_TOPIC)).toEqual([]);
    expect(world.logsOf('job_malformed_ignored')).toEqual([expect.objectContaining({ jobId: 'order-18', reason: 'the job named has a result' })]);
    expect(world.ledger()).toEqual(soundLedger({ completed: 2 }));
  });

  drill('Auto Scaling protection failing on every attempt: the last one records the failure before the job is dead-lettered', async (world) => {
    const job = world.sendJob();
    world.aws.queue.maxReceiveCount = 2;
    world.aws.autoScaling.faults.inject('SetInstanceProtection', 'unavailable');
    const agent = world.runAgent(bundle(), { maxAttempts: 2, jobTimeoutSeconds: 0.5, retryDelaySeconds: 0, drainTimeoutSeconds: 1 });
    await world.until(() => world.sns.messagesTo(ERROR_TOPIC).length > 0, 'the error notification', DRILL_WAIT_MS);
    await world.until(() => job.deadLettered, 'the job to be dead-lettered', DRILL_WAIT_MS);
    await terminate(world, agent.exited);

    expect(world.inference.started).toEqual([]);
    expect(errorDocument(world, job.id)).toEqual(expect.objectContaining({
      reason: 'failed', attempt: 2, problems: ['scale-in protection was not confirmed before the job\'s deadline'],
    }));
    expect(world.sns.messagesTo(ERROR_TOPIC)).toEqual([expect.objectContaining({ jobId: job.id, status: 'failed', repeat: false })]);
    expect(world.ledger()).toEqual(soundLedger({ deadLettered: 1 }));
  });

  drill('an envelope with thousands of unknown fields: its error notification is bounded below SNS\'s limit and published', async (world) => {
    const fields = Object.fromEntries(Array.from({ length: 3500 }, (_, i) => [`an_unknown_field_with_a_name_long_enough_to_matter_${String(i).padStart(6, '0')}`, 1]));
    const job = world.aws.queue.send(JSON.stringify({ ...createJobEnvelope({ jobId: 'wide', contentType: 'application/json', input: { inline: '{}' } }), ...fields }));
    const agent = world.runAgent(bundle(), { jobTimeoutSeconds: 10, apiTimeoutSeconds: 2 });
    await world.until(() => job.deleted, 'the malformed message to be deleted', DRILL_WAIT_MS);
    expect(await terminate(world, agent.exited)).toBe(0);

    const [notification] = world.sns.messagesTo(ERROR_TOPIC);
    expect(notification.problems).toHaveLength(MAX_PROBLEMS + 1);
    expect((notification.problems as string[])[MAX_PROBLEMS]).toBe(`… and ${3500 - MAX_PROBLEMS} more problems`);
    expect(Buffer.byteLength(world.sns.published[0].message)).toBeLessThan(SNS_MAX_MESSAGE_BYTES);
    expect(errorDocument(world, 'wide')?.problems).toEqual(notification.problems);
    expect(job.receiveCount).toBe(1);
    expect(schemaProblemsOf(world)).toEqual([]);
    expect(world.ledger()).toEqual(soundLedger({ rejected: 1 }));
  });
});
