import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { Agent } from '../../lib/runtime/inference/agent/agent';
import { parseJobEnvelope } from '../../lib/runtime/inference/job-envelope';
import { resultKey } from '../../lib/runtime/inference/job-keys';
import { regionClaimKey } from '../../lib/runtime/inference/region-claim';
import { JobsClient } from '../../scripts/jobs/client';
import { JobsClientTimeouts, JobsContext, jobsClientConfig } from '../../scripts/jobs/context';
import { Placement, UndecidedPlacementError, submitWithFailover } from '../../scripts/jobs/failover';
import { jobStatusInRegions } from '../../scripts/jobs/regional-status';
import { JobsRegion, JobsRegions } from '../../scripts/jobs/regions';
import { readResult } from '../../scripts/jobs/status';
import { AgentWorld, CREDENTIALS, RESULTS_BUCKET, SUCCESS_TOPIC } from './agent-world';

const PRIMARY = 'us-east-1';
const STANDBY = 'us-west-2';
/** The CLI's client settings (JOBS_CLIENT_TIMEOUTS: 2 attempts, a connection and an idle timeout), scaled down to loopback. */
const TIMEOUTS: JobsClientTimeouts = { connectionTimeoutMs: 500, socketTimeoutMs: 1500, maxAttempts: 2 };

/** One Region of the drill: everything the agent talks to, its agent when running, and the jobs client's view of it. */
interface DrillRegion {
  readonly name: string;
  readonly world: AgentWorld;
  readonly jobs: JobsRegion;
  agent?: Agent;
}

/** The jobs client of a Region, with the CLI's client config, on the Region's loopback fakes. */
function jobsRegion(world: AgentWorld, region: string): JobsRegion {
  const config = { ...jobsClientConfig(region, TIMEOUTS), credentials: CREDENTIALS };
  const clients = {
    sqs: new SQSClient({ ...config, endpoint: world.aws.url }),
    s3: new S3Client({ ...config, endpoint: world.s3.url, forcePathStyle: true }),
    cloudFormation: new CloudFormationClient(config),
    cloudWatch: new CloudWatchClient(config),
  };
  const context: JobsContext = { clients, queueUrl: world.aws.queueUrl, deadLetterQueueUrl: `${world.aws.url}/123456789012/jobs-dlq`, resultsBucket: RESULTS_BUCKET };
  return { region, clients, context: async () => context };
}

/** A job as the CLI submits it. */
const job = (jobId?: string) => ({ body: Buffer.from('{"text":"hello"}'), source: 'drill', contentType: 'application/json', ...(jobId ? { jobId } : {}) });

/**
 * Where each submitted job ended in both Regions, and every breach of the failover's promise:
 * run more than once in all (ranTwice), finished nowhere (lost: no result in either Region, or a
 * message deleted in a Region without its result there and without a claim sending it to the
 * other Region, which has the result), left in a queue (queued), announced as new more than once
 * or under two ids (announcedTwice), or never announced as new (unannounced).
 */
function crossRegionLedger(regions: readonly DrillRegion[], jobIds: readonly string[]) {
  const ledger = { completedIn: {} as Record<string, string>, ranTwice: [] as string[], lost: [] as string[], queued: [] as string[], announcedTwice: [] as string[], unannounced: [] as string[] };
  for (const jobId of jobIds) {
    const runs = regions.reduce((n, r) => n + (r.world.inference.completed.get(jobId) ?? 0), 0);
    const withResult = regions.filter((r) => r.world.s3.get(RESULTS_BUCKET, resultKey(jobId)) !== undefined);
    const firsts = regions.flatMap((r) => r.world.sns.messagesTo(SUCCESS_TOPIC).filter((n) => n.jobId === jobId));
    if (runs > 1 || withResult.length > 1) ledger.ranTwice.push(jobId);
    if (withResult.length === 1) ledger.completedIn[jobId] = withResult[0].name;
    for (const region of regions) {
      for (const message of region.world.aws.queue.messages.filter((m) => !m.redriven)) {
        const parsed = parseJobEnvelope(message.body);
        if (!parsed.ok || parsed.envelope.jobId !== jobId) continue;
        const claim = region.world.s3.get(RESULTS_BUCKET, regionClaimKey(jobId))?.body.toString();
        const movedAway = claim !== undefined && JSON.parse(claim).region !== region.name && withResult.some((r) => r !== region);
        if (!message.deleted) ledger.queued.push(jobId);
        else if (region.world.s3.get(RESULTS_BUCKET, resultKey(jobId)) === undefined && !movedAway) ledger.lost.push(jobId);
      }
    }
    if (withResult.length === 0) ledger.lost.push(jobId);
    if (new Set(firsts.map((n) => n.notificationId)).size > 1 || firsts.filter((n) => n.repeat === false).length > 1) ledger.announcedTwice.push(jobId);
    if (!firsts.some((n) => n.repeat === false)) ledger.unannounced.push(jobId);
  }
  return { ...ledger, lost: [...new Set(ledger.lost)], queued: [...new Set(ledger.queued)] };
}

/** The ledger of a sound failover: each job completed once, in the Region given, and nothing else. */
const soundFailover = (completedIn: Record<string, string>) => ({ completedIn, ranTwice: [], lost: [], queued: [], announcedTwice: [], unannounced: [] });

describe('failover drill: two Regions, the jobs client and each Region\'s agent, on loopback fakes', () => {
  let primary: DrillRegion;
  let standby: DrillRegion;
  let regions: JobsRegions;

  beforeEach(async () => {
    const [p, s] = await Promise.all([AgentWorld.start(), AgentWorld.start()]);
    primary = { name: PRIMARY, world: p, jobs: jobsRegion(p, PRIMARY) };
    standby = { name: STANDBY, world: s, jobs: jobsRegion(s, STANDBY) };
    regions = { primary: primary.jobs, standby: standby.jobs };
  });
  afterEach(async () => {
    for (const region of [primary, standby]) {
      if (region.agent) {
        region.world.imds.metadata.set('autoscaling/target-lifecycle-state', 'Terminated');
        await region.agent.drained;
      }
    }
    await Promise.all([primary.world.close(), standby.world.close()]);
  });

  const start = (region: DrillRegion): void => {
    region.agent = region.world.startAgent({ region: region.name });
  };
  const finished = (jobIds: readonly string[]) => () => jobIds.every((id) => [primary, standby].some((r) => r.world.s3.get(RESULTS_BUCKET, resultKey(id)) !== undefined)
    && [primary, standby].every((r) => r.world.aws.queue.messages.every((m) => m.deleted || !m.body.includes(id))));

  test('drill: the primary is marked impaired: every job goes to the standby, keeps its id, runs there once; nothing reaches the primary', async () => {
    start(primary);
    start(standby);
    const placed: Placement[] = [];
    for (const id of ['a-1', 'a-2', undefined]) placed.push(await submitWithFailover(regions, job(id), { primaryImpaired: true }));
    const ids = placed.map((p) => p.envelope.jobId);
    await standby.world.until(finished(ids), 'the jobs to finish');

    expect(placed.map((p) => [p.region, p.failover])).toEqual(ids.map(() => [STANDBY, `${PRIMARY} is marked impaired (--region-impaired): nothing was sent there`]));
    expect(ids.slice(0, 2)).toEqual(['a-1', 'a-2']);
    expect([primary.world.aws.queue.messages, primary.world.s3.objects.size]).toEqual([[], 0]);
    expect(crossRegionLedger([primary, standby], ids)).toEqual(soundFailover(Object.fromEntries(ids.map((id) => [id, STANDBY]))));
  });

  test('drill: the primary\'s queue answers 503 before the send: nothing is sent there, the job runs once in the standby', async () => {
    start(primary);
    start(standby);
    primary.world.aws.queue.faults.inject('GetQueueAttributes', 'unavailable');
    const placed = await submitWithFailover(regions, job('b-1'));
    await standby.world.until(finished(['b-1']), 'the job to finish');

    expect(placed.failover).toMatch(new RegExp(`^${PRIMARY} could not be reached \\(ServiceUnavailable: injected unavailable\\): nothing was sent there$`));
    expect(primary.world.aws.queue.callsOf('SendMessage')).toEqual([]);
    expect(crossRegionLedger([primary, standby], ['b-1'])).toEqual(soundFailover({ 'b-1': STANDBY }));
  });

  test('drill: the primary\'s bucket does not answer the submission record: nothing is sent there, the job runs once in the standby', async () => {
    start(primary);
    start(standby);
    primary.world.s3.faults.inject('PutObject', 'hang', { detailPrefix: 'inputs/c-1/' });
    const placed = await submitWithFailover(regions, job('c-1'));
    await standby.world.until(finished(['c-1']), 'the job to finish');

    expect([placed.region, placed.failover]).toEqual([STANDBY, expect.stringMatching(/^us-east-1 could not be reached \(TimeoutError: .*\): nothing was sent there$/)]);
    expect(primary.world.aws.queue.callsOf('SendMessage')).toEqual([]);
    expect(crossRegionLedger([primary, standby], ['c-1'])).toEqual(soundFailover({ 'c-1': STANDBY }));
  });

  test('drill: the primary queued the job but its answer was lost: the job is claimed for the standby and runs there once; the primary deletes its copies untouched', async () => {
    primary.world.aws.queue.faults.inject('SendMessage', 'answer-lost', { times: TIMEOUTS.maxAttempts });
    start(standby);
    const placed = await submitWithFailover(regions, job('d-1'));
    start(primary);
    await standby.world.until(finished(['d-1']), 'the job to finish and both copies in the primary to be deleted');

    expect([placed.region, placed.failover]).toEqual([STANDBY, expect.stringMatching(/^us-east-1's queue did not answer \(TimeoutError: .*\): the job is claimed for us-west-2 there, so us-east-1 will not run it$/)]);
    expect(primary.world.aws.queue.messages).toHaveLength(TIMEOUTS.maxAttempts);
    expect(primary.world.logsOf('job_moved')).toEqual(primary.world.aws.queue.messages.map(() => expect.objectContaining({ jobId: 'd-1', region: STANDBY })));
    expect([primary.world.inference.started, primary.world.sns.published]).toEqual([[], []]);
    expect(crossRegionLedger([primary, standby], ['d-1'])).toEqual(soundFailover({ 'd-1': STANDBY }));
  });

  test('drill: the primary\'s agent takes the job while the send\'s answer is lost: the client\'s claim loses, the job runs once in the primary, nothing goes to the standby', async () => {
    primary.world.aws.queue.faults.inject('SendMessage', 'answer-lost', { times: TIMEOUTS.maxAttempts });
    start(primary);
    start(standby);
    const placed = await submitWithFailover(regions, job('e-1'));
    await primary.world.until(finished(['e-1']), 'the job to finish');

    expect([placed.region, placed.failover]).toEqual([PRIMARY, undefined]);
    expect(JSON.parse(primary.world.s3.get(RESULTS_BUCKET, regionClaimKey('e-1'))?.body.toString() ?? '{}')).toEqual(expect.objectContaining({ region: PRIMARY, claimedBy: 'agent' }));
    expect([standby.world.aws.queue.messages, standby.world.s3.objects.size]).toEqual([[], 0]);
    expect(crossRegionLedger([primary, standby], ['e-1'])).toEqual(soundFailover({ 'e-1': PRIMARY }));
  });

  test('drill: the send\'s answer is lost and the primary\'s bucket refuses the claim: nothing goes to the standby, the submit says so, and the job runs once in the primary when it recovers', async () => {
    primary.world.aws.queue.faults.inject('SendMessage', 'answer-lost', { times: TIMEOUTS.maxAttempts });
    primary.world.s3.faults.inject('PutObject', 'unavailable', { detailPrefix: regionClaimKey('f-1') });
    start(standby);
    await expect(submitWithFailover(regions, job('f-1'))).rejects.toThrow(UndecidedPlacementError);
    primary.world.s3.faults.clear();
    start(primary);
    await primary.world.until(finished(['f-1']), 'the job to finish in the primary');

    expect([standby.world.aws.queue.messages, standby.world.s3.objects.size]).toEqual([[], 0]);
    expect(crossRegionLedger([primary, standby], ['f-1'])).toEqual(soundFailover({ 'f-1': PRIMARY }));
  });

  test('drill: across the switch, get reads both Regions: a job queued in the primary before it failed waits there and runs once when it is back; one submitted after runs in the standby', async () => {
    start(standby);
    const before = await submitWithFailover(regions, job('g-1'));
    const after = await submitWithFailover(regions, job('g-2'), { primaryImpaired: true });
    await standby.world.until(finished(['g-2']), 'the job submitted after the switch to finish');
    const during = await Promise.all(['g-1', 'g-2'].map((id) => jobStatusInRegions(regions, id)));
    start(primary);
    await primary.world.until(finished(['g-1', 'g-2']), 'the job queued in the primary to finish');
    const back = await jobStatusInRegions(regions, 'g-1');

    expect([before.region, after.region]).toEqual([PRIMARY, STANDBY]);
    expect(during.map(({ status, region }) => [status.status, region.region])).toEqual([['queued', PRIMARY], ['succeeded', STANDBY]]);
    expect(Buffer.from(await readResult(await during[1].region.context(), during[1].status.resultUri)).toString()).toContain('g-2');
    expect([back.status.status, back.region.region]).toEqual(['succeeded', PRIMARY]);
    expect(crossRegionLedger([primary, standby], ['g-1', 'g-2'])).toEqual(soundFailover({ 'g-1': PRIMARY, 'g-2': STANDBY }));
  });

  test('drill: the client library across the switch: the primary is marked impaired between two jobs; each runs once, its result read from the Region that ran it', async () => {
    start(primary);
    start(standby);
    let impaired = false;
    const client = new JobsClient(regions, { primaryImpaired: () => impaired });
    const first = await client.submit({ jobId: 'i-1', body: '{"text":"before"}', contentType: 'application/json' });
    impaired = true;
    const second = await client.submit({ jobId: 'i-2', body: '{"text":"after"}', contentType: 'application/json' });
    await standby.world.until(finished(['i-1', 'i-2']), 'both jobs to finish');
    const done = await Promise.all(['i-1', 'i-2'].map((id) => client.wait(id, { timeoutMs: 10_000, pollIntervalMs: 100 })));

    expect([first.region, second.region]).toEqual([PRIMARY, STANDBY]);
    expect(done.map((found) => [found?.status.status, found?.region])).toEqual([['succeeded', PRIMARY], ['succeeded', STANDBY]]);
    expect(await Promise.all(['i-1', 'i-2'].map(async (id) => Buffer.from(await client.result(id)).toString().includes(id)))).toEqual([true, true]);
    expect(crossRegionLedger([primary, standby], ['i-1', 'i-2'])).toEqual(soundFailover({ 'i-1': PRIMARY, 'i-2': STANDBY }));
  });

  test('drill: a job moved after a lost answer is read where it ran, not as the submission record it left in the primary', async () => {
    primary.world.aws.queue.faults.inject('SendMessage', 'answer-lost', { times: TIMEOUTS.maxAttempts });
    start(standby);
    await submitWithFailover(regions, job('h-1'));
    await standby.world.until(() => standby.world.s3.get(RESULTS_BUCKET, resultKey('h-1')) !== undefined, 'the job to finish in the standby');
    const found = await jobStatusInRegions(regions, 'h-1');

    expect(primary.world.s3.get(RESULTS_BUCKET, 'inputs/h-1/envelope.json')).toBeDefined();
    expect([found.status.status, found.region.region]).toEqual(['succeeded', STANDBY]);
  });
});
