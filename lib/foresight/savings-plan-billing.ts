/**
 * How AWS bills one hour of usage under a Savings Plan commitment (AWS_DOCS.savingsPlansApplying):
 * the commitment, stated at Savings Plans rates (AWS_DOCS.savingsPlansPurchase), covers the usage
 * with the highest savings percentage off On-Demand first and, between equal percentages, the
 * usage with the lower Savings Plans rate first, until the usage or the commitment runs out; the
 * rest is billed at On-Demand rates, and the whole commitment is billed whether it was used or
 * not (an hour's commitment is used within that hour only).
 */

/** Usage of one product during one hour. */
export interface HourlyUsage {
  /** What it is, e.g. `g5.xlarge`. */
  readonly name: string;
  /** Units used in the hour (instance-hours, vCPU-hours, GB-seconds). */
  readonly units: number;
  /** USD per unit at On-Demand rates. */
  readonly onDemandRateUsd: number;
  /** USD per unit at the Savings Plan's rate. */
  readonly savingsPlanRateUsd: number;
}

/** The bill of one hour. */
export interface HourBill {
  /** Units of each usage the commitment covered, by name. */
  readonly coveredUnits: Readonly<Record<string, number>>;
  /** The commitment billed: all of it, used or not. */
  readonly commitmentUsd: number;
  /** The part of the commitment no usage used. */
  readonly unusedCommitmentUsd: number;
  /** The usage the commitment did not cover, at On-Demand rates. */
  readonly onDemandUsd: number;
  /** commitmentUsd + onDemandUsd. */
  readonly totalUsd: number;
}

const savingsPercentage = (u: HourlyUsage) => (u.onDemandRateUsd - u.savingsPlanRateUsd) / u.onDemandRateUsd;

/** The bill of one hour of `usage` under an hourly commitment of `commitmentUsd` (0: no Savings Plan). */
export function billHour(commitmentUsd: number, usage: readonly HourlyUsage[]): HourBill {
  const order = [...usage].sort((a, b) => savingsPercentage(b) - savingsPercentage(a) || a.savingsPlanRateUsd - b.savingsPlanRateUsd);
  let remaining = commitmentUsd;
  let onDemandUsd = 0;
  const coveredUnits: Record<string, number> = {};
  for (const u of order) {
    const covered = Math.max(0, Math.min(u.units, remaining / u.savingsPlanRateUsd));
    remaining -= covered * u.savingsPlanRateUsd;
    coveredUnits[u.name] = (coveredUnits[u.name] ?? 0) + covered;
    onDemandUsd += (u.units - covered) * u.onDemandRateUsd;
  }
  return { coveredUnits, commitmentUsd, unusedCommitmentUsd: remaining, onDemandUsd, totalUsd: commitmentUsd + onDemandUsd };
}
