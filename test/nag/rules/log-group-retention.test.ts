import * as logs from 'aws-cdk-lib/aws-logs';
import { NagRuleCompliance } from 'cdk-nag';
import { GpuCostChecks } from '../../../lib/nag/gpu-cost-checks';
import { LogGroupRetention } from '../../../lib/nag/rules/log-group-retention';
import { findingsOf } from '../../helpers/nag';
import { bareStack, FIXTURE_LIMITS, synthWithPack } from '../../helpers/nag-rule';

describe('LogGroupRetention, as a function', () => {
  test('an L2 log group with a retention is compliant', () => {
    const { stack } = bareStack();
    const group = new logs.LogGroup(stack, 'Logs', { retention: logs.RetentionDays.ONE_WEEK });
    expect(LogGroupRetention(group.node.defaultChild as logs.CfnLogGroup)).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('an L2 log group kept forever is non-compliant', () => {
    const { stack } = bareStack();
    const group = new logs.LogGroup(stack, 'Logs', { retention: logs.RetentionDays.INFINITE });
    expect(LogGroupRetention(group.node.defaultChild as logs.CfnLogGroup)).toBe(NagRuleCompliance.NON_COMPLIANT);
  });

  test('an L1 log group without RetentionInDays is non-compliant', () => {
    const { stack } = bareStack();
    expect(LogGroupRetention(new logs.CfnLogGroup(stack, 'Logs'))).toBe(NagRuleCompliance.NON_COMPLIANT);
  });

  test('other resource types are not applicable', () => {
    const { stack } = bareStack();
    expect(LogGroupRetention(new logs.CfnLogStream(stack, 'Stream', { logGroupName: 'g' }))).toBe(NagRuleCompliance.NOT_APPLICABLE);
  });
});

describe('LogGroupRetention, through the pack', () => {
  const { app, stack } = bareStack();
  new logs.CfnLogGroup(stack, 'Forever');
  new logs.CfnLogGroup(stack, 'Week', { retentionInDays: 7 });
  const result = synthWithPack(app, new GpuCostChecks(undefined, FIXTURE_LIMITS));

  test('reports a log group without retention, as an error', () => {
    expect(findingsOf(result, 'GpuCost-LogGroupRetention', 'Fixtures/Forever')).toEqual([expect.objectContaining({ severity: 'error' })]);
  });

  test('passes a log group with retention', () => {
    expect(findingsOf(result, 'GpuCost-LogGroupRetention', 'Fixtures/Week')).toEqual([]);
  });
});
