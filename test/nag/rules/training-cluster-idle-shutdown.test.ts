import { CfnAlarm } from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NagRuleCompliance } from 'cdk-nag';
import { GpuCostChecks } from '../../../lib/nag/gpu-cost-checks';
import { TrainingClusterIdleShutdown } from '../../../lib/nag/rules/training-cluster-idle-shutdown';
import { gpuFleet, gpuGroup, idleShutdownAlarm } from '../../helpers/gpu-fixtures';
import { findingsOf, ruleFindingsAt } from '../../helpers/nag';
import { bareStack, FIXTURE_LIMITS, synthWithPack } from '../../helpers/nag-rule';

/** An idle alarm whose action is a Lambda function told the fleet's id, as the training stack's shutdown does. */
function lambdaShutdown(stack: import('aws-cdk-lib').Stack, fleetId: string): CfnAlarm {
  const fn = new lambda.Function(stack, 'Shutdown', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => undefined;'),
    environment: { FLEET_ID: fleetId },
  });
  return new CfnAlarm(stack, 'Idle', {
    namespace: 'AI/Custom', metricName: 'GPUUtilization', statistic: 'Average', period: 300, evaluationPeriods: 6,
    threshold: 10, comparisonOperator: 'LessThanThreshold', alarmActions: [fn.functionArn],
  });
}

describe('TrainingClusterIdleShutdown, as a function', () => {
  test('a cluster-placed GPU group with an idle alarm on a policy of it is compliant', () => {
    const { stack } = bareStack();
    const group = gpuGroup(stack, 'Cluster', { clusterPlacement: true });
    idleShutdownAlarm(stack, 'Idle', group);
    expect(TrainingClusterIdleShutdown(group)).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('a cluster-placed GPU group without an idle alarm is non-compliant', () => {
    const { stack } = bareStack();
    expect(TrainingClusterIdleShutdown(gpuGroup(stack, 'Cluster', { clusterPlacement: true }))).toBe(NagRuleCompliance.NON_COMPLIANT);
  });

  test('an idle alarm with its actions disabled does not count', () => {
    const { stack } = bareStack();
    const group = gpuGroup(stack, 'Cluster', { clusterPlacement: true });
    idleShutdownAlarm(stack, 'Idle', group).actionsEnabled = false;
    expect(TrainingClusterIdleShutdown(group)).toBe(NagRuleCompliance.NON_COMPLIANT);
  });

  test('a maintain EC2 Fleet with a Lambda shutdown that names it is compliant', () => {
    const { stack } = bareStack();
    const fleet = gpuFleet(stack, 'Fleet');
    lambdaShutdown(stack, fleet.ref);
    expect(TrainingClusterIdleShutdown(fleet)).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('a maintain EC2 Fleet whose Lambda shutdown names something else is non-compliant', () => {
    const { stack } = bareStack();
    const fleet = gpuFleet(stack, 'Fleet');
    lambdaShutdown(stack, 'fleet-0123');
    expect(TrainingClusterIdleShutdown(fleet)).toBe(NagRuleCompliance.NON_COMPLIANT);
  });

  test('a GPU group outside a placement group is not a training cluster', () => {
    const { stack } = bareStack();
    expect(TrainingClusterIdleShutdown(gpuGroup(stack, 'Inference'))).toBe(NagRuleCompliance.NOT_APPLICABLE);
  });

  test('an instant EC2 Fleet is not a training cluster', () => {
    const { stack } = bareStack();
    expect(TrainingClusterIdleShutdown(gpuFleet(stack, 'Fleet', { type: 'instant' }))).toBe(NagRuleCompliance.NOT_APPLICABLE);
  });
});

describe('TrainingClusterIdleShutdown, through the pack', () => {
  const { app, stack } = bareStack();
  gpuGroup(stack, 'Forgotten', { clusterPlacement: true });
  const watched = gpuGroup(stack, 'Watched', { clusterPlacement: true });
  idleShutdownAlarm(stack, 'Idle', watched);
  const result = synthWithPack(app, new GpuCostChecks(undefined, FIXTURE_LIMITS));

  test('reports a cluster without idle shutdown, as an error', () => {
    expect(findingsOf(result, 'GpuCost-TrainingClusterIdleShutdown', 'Fixtures/Forgotten')).toEqual([expect.objectContaining({ severity: 'error' })]);
  });

  test('passes a cluster with idle shutdown', () => {
    expect(ruleFindingsAt(result, 'GpuCost-TrainingClusterIdleShutdown', 'Fixtures/Watched')).toEqual([]);
  });
});
