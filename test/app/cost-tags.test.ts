import { Stack, TagManager } from 'aws-cdk-lib';
import { ENVIRONMENTS } from '../../lib/config';
import { COST_TAG_KEYS } from '../../lib/stacks/ai-infra-stage';
import { cfnResourcesOf, synthStage } from '../helpers/synth-stage';

/** Tags as the TagManager renders them: a list of {key, value} (or {Key, Value}) or a key/value map. */
function renderedTags(tags: unknown): Record<string, string> {
  if (Array.isArray(tags)) {
    return Object.fromEntries(tags.map((t: { key?: string; value?: string; Key?: string; Value?: string }) => [t.key ?? t.Key, t.value ?? t.Value]));
  }
  return (tags ?? {}) as Record<string, string>;
}

describe.each(ENVIRONMENTS.map((config) => [config.name, config] as const))('%s stage', (_name, config) => {
  const { stage } = synthStage(config);
  const taggable = cfnResourcesOf(stage).filter((resource) => TagManager.isTaggable(resource));

  test('has taggable resources to check', () => {
    expect(taggable.length).toBeGreaterThan(0);
  });

  test.each(COST_TAG_KEYS)('every taggable resource carries the %s tag', (key) => {
    const untagged = taggable
      .filter((resource) => {
        const tags = renderedTags(Stack.of(resource).resolve(resource.tags.renderTags()));
        return !tags[key];
      })
      .map((resource) => resource.node.path);
    expect(untagged).toEqual([]);
  });

  test('tags carry the environment config values', () => {
    const first = taggable[0];
    const tags = renderedTags(Stack.of(first).resolve(first.tags.renderTags()));
    expect(tags).toMatchObject({
      environment: config.name,
      team: config.tags.team,
      cost_center: config.tags.costCenter,
      project: config.tags.project,
    });
  });
});
