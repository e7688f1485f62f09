import { MAX_INLINE_INPUT_CHARS, createJobEnvelope } from '../../lib/runtime/inference/job-envelope';
import { AgentWorld, ERROR_TOPIC, RESULTS_BUCKET, soundLedger } from './agent-world';
import { DRILL_WAIT_MS, bundleDrills } from './bundle-drills';

/**
 * Drills of what a job may ask for, on the shipped bundle: an input key with dot segments,
 * another job's upload or an oversized inline input is refused at once (error document and
 * notification, never run), and a job past its time-to-live is not run but announced expired.
 * Every drill runs against an S3 that, like the results bucket's policy, refuses writes under
 * results/ and errors/ without If-None-Match. Each ends with the ledger.
 */
describe('job inputs and expiry', () => {
  const { drill, bundle, terminate } = bundleDrills();

  const errorDocument = (world: AgentWorld, jobId: string): Record<string, unknown> => JSON.parse(world.s3.get(RESULTS_BUCKET, `errors/${jobId}.json`)?.body.toString() ?? '{}');
  const envelope = (jobId: string, input: Record<string, unknown>) => ({ ...createJobEnvelope({ jobId, contentType: 'text/plain', input: { inline: '' } }), input });

  /** Runs the agent until `message` is deleted, then drains it; calls get 2 s, so that a loaded machine does not make them time out. */
  async function runUntilDeleted(world: AgentWorld, message: { deleted: boolean }): Promise<void> {
    const agent = world.runAgent(bundle(), { jobTimeoutSeconds: 10, apiTimeoutSeconds: 2 });
    await world.until(() => message.deleted, 'the message to be deleted', DRILL_WAIT_MS);
    expect(await terminate(world, agent.exited)).toBe(0);
  }

  drill('an input key with a `..` segment is refused: error document and notification, never run', async (world) => {
    world.s3.put(RESULTS_BUCKET, 'results/x', 'someone else\'s result');
    const message = world.aws.queue.send(JSON.stringify(envelope('climber', { s3Uri: `s3://${RESULTS_BUCKET}/inputs/../results/x` })));
    await runUntilDeleted(world, message);

    expect(world.inference.started).toEqual([]);
    expect(errorDocument(world, 'climber')).toEqual(expect.objectContaining({ reason: 'malformed', problems: expect.arrayContaining([expect.stringMatching(/^\/input\/s3Uri must match pattern/)]) }));
    expect(world.sns.messagesTo(ERROR_TOPIC)).toEqual([expect.objectContaining({ jobId: 'climber', status: 'failed' })]);
    expect(world.ledger()).toEqual(soundLedger({ rejected: 1 }));
  });

  drill('a job naming another job\'s upload is refused: it reads only its own folder', async (world) => {
    world.s3.put(RESULTS_BUCKET, 'inputs/victim/input', 'the victim\'s private input');
    const message = world.aws.queue.send(JSON.stringify(envelope('thief', { s3Uri: `s3://${RESULTS_BUCKET}/inputs/victim/input` })));
    await runUntilDeleted(world, message);

    expect(world.inference.requests).toEqual([]);
    expect(errorDocument(world, 'thief').problems).toEqual([
      `/input/s3Uri (s3://${RESULTS_BUCKET}/inputs/victim/input) must be under the job's own folder inputs/thief/: a job reads only its own input`,
    ]);
    expect(world.ledger()).toEqual(soundLedger({ rejected: 1 }));
  });

  drill('an inline input above its bound is refused, never run', async (world) => {
    const message = world.aws.queue.send(JSON.stringify(envelope('huge', { inline: 'x'.repeat(MAX_INLINE_INPUT_CHARS + 1) })));
    await runUntilDeleted(world, message);

    expect(world.inference.started).toEqual([]);
    expect(errorDocument(world, 'huge').problems).toContain(`/input/inline must NOT have more than ${MAX_INLINE_INPUT_CHARS} characters`);
    expect(world.ledger()).toEqual(soundLedger({ rejected: 1 }));
  });

  drill('a job waiting past its time-to-live is not run: recorded and announced expired, then deleted', async (world) => {
    const submitted = new Date(Date.now() - 10_000);
    const job = world.aws.queue.send(JSON.stringify(createJobEnvelope({ jobId: 'stale', contentType: 'application/json', input: { inline: '{}' }, ttlSeconds: 5 }, submitted)));
    await runUntilDeleted(world, job);

    expect(world.inference.started).toEqual([]);
    expect(job.receiveCount).toBe(1);
    expect(errorDocument(world, 'stale')).toEqual(expect.objectContaining({
      reason: 'expired',
      problems: [`the job waited past its time-to-live: submitted ${submitted.toISOString()} with ttlSeconds 5, expired at ${new Date(submitted.getTime() + 5000).toISOString()}`],
    }));
    expect(world.sns.messagesTo(ERROR_TOPIC)).toEqual([expect.objectContaining({ jobId: 'stale', status: 'expired', repeat: false, location: `s3://${RESULTS_BUCKET}/errors/stale.json` })]);
    expect(world.sns.published[0].attributes.status).toBe('expired');
    expect(world.ledger()).toEqual(soundLedger({ rejected: 1 }));
  });

  drill('a job within its time-to-live runs', async (world) => {
    const job = world.sendJob({ jobId: 'fresh', ttlSeconds: 3600 });
    await runUntilDeleted(world, job);

    expect(world.inference.completed.get('fresh')).toBe(1);
    expect(world.ledger()).toEqual(soundLedger({ completed: 1 }));
  });
});
