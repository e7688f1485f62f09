import { Tags } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { NagRuleCompliance } from 'cdk-nag';
import { CostTaggingChecks } from '../../../lib/nag/cost-tagging-checks';
import { costAllocationTags } from '../../../lib/nag/rules/cost-allocation-tags';
import { gpuFleet } from '../../helpers/gpu-fixtures';
import { ruleFindingsAt } from '../../helpers/nag';
import { bareStack, synthWithPack } from '../../helpers/nag-rule';

const rule = costAllocationTags(['environment', 'team', 'cost_center', 'project']);
const allTags = [
  { key: 'environment', value: 'dev' }, { key: 'team', value: 'ml' }, { key: 'cost_center', value: 'c1' }, { key: 'project', value: 'p' },
];

describe('CostAllocationTags, as a function', () => {
  test('an L1 resource with every tag is compliant', () => {
    const { stack } = bareStack();
    expect(rule(new logs.CfnLogGroup(stack, 'Logs', { tags: allTags }))).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('finds each missing tag', () => {
    const { stack } = bareStack();
    expect(rule(new logs.CfnLogGroup(stack, 'Logs', { tags: allTags.slice(0, 2) }))).toEqual(['cost_center', 'project']);
  });

  test('an empty value counts as missing', () => {
    const { stack } = bareStack();
    const tags = allTags.map((t) => (t.key === 'team' ? { key: 'team', value: ' ' } : t));
    expect(rule(new logs.CfnLogGroup(stack, 'Logs', { tags }))).toEqual(['team']);
  });

  test('an EC2 Fleet is checked on its fleet tag specification', () => {
    const { stack } = bareStack();
    expect(rule(gpuFleet(stack, 'Fleet'))).toEqual(['environment', 'team', 'cost_center', 'project']);
  });

  test('an untaggable resource is not applicable', () => {
    const { stack } = bareStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, maxAzs: 1 });
    const attachment = vpc.node.findAll().find((c): c is ec2.CfnSubnetRouteTableAssociation => c instanceof ec2.CfnSubnetRouteTableAssociation);
    expect(attachment && rule(attachment)).toBe(NagRuleCompliance.NOT_APPLICABLE);
  });
});

describe('CostAllocationTags, through the pack', () => {
  const { app, stack } = bareStack();
  for (const { key, value } of allTags) Tags.of(stack).add(key, value);
  const queue = new sqs.Queue(stack, 'Untagged');
  Tags.of(queue).remove('team');
  Tags.of(queue).remove('project');
  new sqs.Queue(stack, 'Tagged');
  const template = new ec2.LaunchTemplate(stack, 'Template', { instanceType: new ec2.InstanceType('g5.xlarge') });
  const result = synthWithPack(app, new CostTaggingChecks(app));

  test('reports one finding per tag that Tags.of did not apply, as errors', () => {
    expect(ruleFindingsAt(result, 'CostTagging-CostAllocationTags', 'Fixtures/Untagged/Resource').map((f) => [f.ruleName, f.severity])).toEqual([
      ['CostTagging-CostAllocationTags[team]', 'error'],
      ['CostTagging-CostAllocationTags[project]', 'error'],
    ]);
  });

  test('passes an L2 resource that Tags.of tagged', () => {
    expect(ruleFindingsAt(result, 'CostTagging-CostAllocationTags', 'Fixtures/Tagged/Resource')).toEqual([]);
  });

  test('passes an L2 launch template, tagged through its tag specifications', () => {
    expect(ruleFindingsAt(result, 'CostTagging-CostAllocationTags', `${template.node.path}/Resource`)).toEqual([]);
  });

  test('fails the synth naming the missing tag', () => {
    expect(result.error?.message).toMatch(/CostTagging-CostAllocationTags\[team\]/);
  });

  test('checks only the resources below its scope', () => {
    const scoped = bareStack();
    new sqs.Queue(scoped.stack, 'Outside');
    const inside = new sqs.Queue(scoped.stack, 'Inside');
    const scopedResult = synthWithPack(scoped.app, new CostTaggingChecks(inside));
    expect([
      ruleFindingsAt(scopedResult, 'CostTagging-CostAllocationTags', 'Fixtures/Outside/Resource').length,
      ruleFindingsAt(scopedResult, 'CostTagging-CostAllocationTags', 'Fixtures/Inside/Resource').length,
    ]).toEqual([0, 4]);
  });
});
