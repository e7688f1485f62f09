import { Tags } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** The cost allocation tag keys every resource carries. */
export const COST_TAG_KEYS = ['environment', 'team', 'cost_center', 'project'] as const;

/** A cost allocation tag key. */
export type CostTagKey = (typeof COST_TAG_KEYS)[number];

/** The values of the cost allocation tags, by key. */
export type CostTags = Readonly<Record<CostTagKey, string>>;

/** Tags every resource below `scope` with the cost allocation tags. */
export function applyCostTags(scope: IConstruct, tags: CostTags): void {
  for (const key of COST_TAG_KEYS) {
    Tags.of(scope).add(key, tags[key]);
  }
}
