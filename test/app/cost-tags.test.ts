import { ENVIRONMENTS } from '../../lib/config';
import { synthesizedTagsOf } from '../../lib/nag/resource-lookup';
import { COST_TAG_KEYS } from '../../lib/cost-tags';
import { cfnResourcesOf, synthStage } from '../helpers/synth-stage';

describe.each(ENVIRONMENTS.map((config) => [config.name, config] as const))('%s stage', (_name, config) => {
  const { stage } = synthStage(config);
  // What each taggable resource synthesizes, read the way the CostTagging pack reads it.
  const tagged = cfnResourcesOf(stage).flatMap((resource) => {
    const tags = synthesizedTagsOf(resource);
    return tags === undefined ? [] : [{ path: resource.node.path, tags }];
  });
  const expected: Record<(typeof COST_TAG_KEYS)[number], string> = {
    environment: config.name,
    team: config.tags.team,
    cost_center: config.tags.costCenter,
    project: config.tags.project,
  };

  test('has taggable resources to check', () => {
    expect(tagged.length).toBeGreaterThan(50);
  });

  test.each(COST_TAG_KEYS)('every taggable resource carries the %s tag with the config value', (key) => {
    const wrong = tagged.filter(({ tags }) => tags[key] !== expected[key]).map(({ path, tags }) => `${path}: ${String(tags[key])}`);
    expect(wrong).toEqual([]);
  });
});
