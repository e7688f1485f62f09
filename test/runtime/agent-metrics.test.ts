import { randomUUID } from 'node:crypto';
import { createJobEnvelope } from '../../lib/runtime/inference/job-envelope';
import { JOB_TIME_METRICS } from '../../lib/runtime/inference/agent/job-metrics';
import { ExtractedMetric, extractEmbeddedMetrics } from '../helpers/embedded-metric-format';
import { AgentBundle, AgentProcess, AgentWorld, GROUP, METRICS_NAMESPACE, SUCCESS_TOPIC } from './agent-world';

/** The raw lines the bundled agent wrote to stdout (its log file on an instance) for `event`. */
function linesOf(world: AgentWorld, event: string): string[] {
  return world.output.split('\n').filter((line) => line.includes(`"event":"${event}"`));
}

/** Each extracted metric's name and its one value. */
function valuesOf(metrics: ExtractedMetric[]): Record<string, number> {
  return Object.fromEntries(metrics.map((m) => [m.name, m.values[0]]));
}

/**
 * The job latency metrics the shipped agent publishes: a job submitted 5 s ago that the model
 * answers in 300 ms, run by the bundle as systemd runs it; its log line read as CloudWatch Logs
 * reads an embedded metric format event.
 */
describe('the agent publishes each job\'s latency in its log, as embedded metric format', () => {
  const SUBMITTED_AGO_MS = 5000;
  const MODEL_MS = 300;
  let world: AgentWorld;
  let bundle: AgentBundle;
  let agent: AgentProcess;
  let metrics: ExtractedMetric[];

  beforeAll(async () => {
    bundle = AgentBundle.build();
    world = await AgentWorld.start();
    world.inference.behaviour = { status: 200, delayMs: MODEL_MS };
    const jobId = randomUUID();
    const envelope = createJobEnvelope({ jobId, contentType: 'application/json', input: { inline: '{}' } }, new Date(Date.now() - SUBMITTED_AGO_MS));
    const job = world.aws.queue.send(JSON.stringify(envelope), jobId);
    agent = world.runAgent(bundle);
    await world.until(() => job.deleted && linesOf(world, 'job_succeeded').length === 1, 'the job to be done and logged');
    metrics = extractEmbeddedMetrics(linesOf(world, 'job_succeeded')[0]);
  });
  afterAll(async () => {
    world.imds.metadata.set('autoscaling/target-lifecycle-state', 'Terminated');
    await agent.exited;
    await world.close();
    bundle.dispose();
  });

  test('the job_succeeded line is an EMF document with TimeInBacklog, ModelLatency and TotalProcessingTime in milliseconds', () => {
    expect(metrics.map(({ name, unit }) => [name, unit])).toEqual(JOB_TIME_METRICS.map((name) => [name, 'Milliseconds']));
  });

  test('in the instance metrics namespace, under the instance\'s Auto Scaling group only', () => {
    for (const metric of metrics) {
      expect([metric.namespace, metric.dimensions]).toEqual([METRICS_NAMESPACE, { AutoScalingGroupName: GROUP }]);
    }
  });

  test('the backlog time counts from the submission, the model latency is the invocation', () => {
    const values = valuesOf(metrics);
    expect(values.TimeInBacklog).toBeGreaterThanOrEqual(SUBMITTED_AGO_MS);
    expect(values.ModelLatency).toBeGreaterThanOrEqual(MODEL_MS);
    expect(values.ModelLatency).toBe(world.sns.messagesTo(SUCCESS_TOPIC)[0].durationMs);
  });

  test('the total runs from the submission to the announced result: at least the backlog and the invocation', () => {
    const values = valuesOf(metrics);
    expect(values.TotalProcessingTime).toBeGreaterThanOrEqual(values.TimeInBacklog + values.ModelLatency);
  });
});

describe('a result announced again carries no metrics', () => {
  let world: AgentWorld;

  beforeAll(async () => {
    world = await AgentWorld.start();
  });
  afterAll(() => world.close());

  test('a redelivered job whose result exists is announced without a latency: the job is counted once', async () => {
    const job = world.sendJob();
    const agent = world.startAgent({ visibilityTimeoutSeconds: 5, heartbeatIntervalSeconds: 1 });
    await world.until(() => job.deleted, 'the job to be done');
    world.aws.queue.send(job.body, job.id);
    await world.until(() => world.logsOf('job_succeeded').length === 2, 'the redelivered job to be announced');
    world.imds.metadata.set('autoscaling/target-lifecycle-state', 'Terminated');
    await agent.drained;

    expect(world.logsOf('job_succeeded').map((log) => '_aws' in log)).toEqual([true, false]);
  });
});
