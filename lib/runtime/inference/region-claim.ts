import { inputFolder } from './job-keys';

/**
 * Where a job runs, decided once per job in its results bucket: the object
 * `inputs/<jobId>/region.json`, written with `If-None-Match: *` (S3 answers 412 to a second
 * write of the key: https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html;
 * the results bucket's policy refuses a write of it without the header). The first writer wins:
 * the agent that starts the job claims it for its own Region, and a submitter that moves a job
 * to the standby Region after the primary's queue failed to answer claims it for the standby.
 * An agent runs a job only under its own Region's claim, so a job sent to both Regions runs in
 * one (docs/multi-region.md).
 */

/** Who wrote a claim: the agent that started the job, or a submitter moving it to the standby Region. */
export type RegionClaimant = 'agent' | 'failover';

/** The claim object's body. */
export interface RegionClaim {
  /** The Region the job runs in. */
  readonly region: string;
  readonly claimedBy: RegionClaimant;
  /** ISO 8601. */
  readonly claimedAt: string;
}

/** Key of a job's Region claim, in its own folder. */
export function regionClaimKey(jobId: string): string {
  return `${inputFolder(jobId)}region.json`;
}

/** A claim's body for `region`. */
export function regionClaim(region: string, claimedBy: RegionClaimant, now: Date = new Date()): RegionClaim {
  return { region, claimedBy, claimedAt: now.toISOString() };
}

/** The Region a stored claim names; throws on a body that is not a claim. */
export function claimedRegion(body: string, where: string): string {
  const parsed: unknown = JSON.parse(body);
  const region = (parsed as Partial<RegionClaim> | null)?.region;
  if (typeof region !== 'string' || region.length === 0) throw new Error(`${where} is not a Region claim: ${body.slice(0, 200)}`);
  return region;
}
