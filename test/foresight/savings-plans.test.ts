import { HOURS_PER_MONTH } from '../../lib/foresight/cost-line';
import { PolicyFigures } from '../../lib/foresight/figures';
import { FleetModel } from '../../lib/foresight/fleet-model';
import { fleetPrices } from '../../lib/foresight/fleet-prices';
import { AlwaysOnUsage, adviseSavingsPlans, alwaysOnUsage } from '../../lib/foresight/savings-plan-advice';
import { HourlyUsage, billHour } from '../../lib/foresight/savings-plan-billing';
import { EnvironmentStacks } from '../../lib/foresight/stack-templates';
import { SAVINGS_PLAN_ASSUMPTION, regionPrices } from '../../lib/pricing/price-table';
import { fleet } from './fixtures';

/**
 * AWS's worked example of how Savings Plans apply ("Understanding how Savings Plans apply to your
 * AWS usage", AWS_DOCS.savingsPlansApplying): one hour of usage, one-year Partial Upfront
 * Compute Savings Plans, illustrative rates.
 */
const AWS_EXAMPLE: HourlyUsage[] = [
  { name: 'r5.4xlarge Linux', units: 4, onDemandRateUsd: 1.0, savingsPlanRateUsd: 0.7 },
  { name: 'Fargate vCPU', units: 400, onDemandRateUsd: 0.04, savingsPlanRateUsd: 0.03 },
  { name: 'Fargate GB', units: 1600, onDemandRateUsd: 0.004, savingsPlanRateUsd: 0.003 },
  { name: 'm5.24xlarge Windows', units: 1, onDemandRateUsd: 10.0, savingsPlanRateUsd: 8.2 },
  // 1 million requests of 0.5 GB for 3 seconds each: 1,500,000 GB-seconds.
  { name: 'Lambda duration', units: 1_500_000, onDemandRateUsd: 0.000015, savingsPlanRateUsd: 0.00001275 },
  { name: 'Lambda requests', units: 1, onDemandRateUsd: 0.2, savingsPlanRateUsd: 0.2 },
];
const cents = (x: number) => Math.round(x * 100) / 100;

describe('an hour billed under a Savings Plan, as AWS\'s worked example bills it', () => {
  test('without a plan, the hour costs $59.10 at On-Demand rates', () => {
    expect(cents(billHour(0, AWS_EXAMPLE).totalUsd)).toBe(59.1);
  });

  test('scenario 1: a $50.00/hour commitment covers all the usage, $47.13 of it at Savings Plans rates, and is billed whole', () => {
    const bill = billHour(50, AWS_EXAMPLE);
    expect([cents(50 - bill.unusedCommitmentUsd), bill.onDemandUsd, bill.totalUsd]).toEqual([47.13, 0, 50]);
  });

  test('scenario 2: $2.00/hour covers about 2.9 r5 units, the highest savings percentage, and the rest is $56.24 at On-Demand rates', () => {
    const bill = billHour(2, AWS_EXAMPLE);
    expect(bill.coveredUnits['r5.4xlarge Linux']).toBeCloseTo(2.857, 3);
    expect(cents((4 - bill.coveredUnits['r5.4xlarge Linux']) * 1.0)).toBe(1.14);
    expect(cents(bill.onDemandUsd)).toBe(56.24);
  });

  test('scenario 3: $19.60/hour covers r5 (30 %), then Fargate (25 %) memory before compute (the lower rate), and leaves m5 and Lambda at $32.70', () => {
    const bill = billHour(19.6, AWS_EXAMPLE);
    expect([bill.coveredUnits['r5.4xlarge Linux'], cents(bill.coveredUnits['Fargate GB']), cents(bill.coveredUnits['Fargate vCPU'])]).toEqual([4, 1600, 400]);
    expect([cents(bill.coveredUnits['m5.24xlarge Windows']), cents(bill.onDemandUsd)]).toEqual([0, 32.7]);
  });

  test('an hour\'s commitment is used within that hour only: an hour without usage bills it unused', () => {
    expect(billHour(2, [])).toMatchObject({ unusedCommitmentUsd: 2, onDemandUsd: 0, totalUsd: 2 });
  });
});

describe('adviseSavingsPlans', () => {
  const prod: AlwaysOnUsage = { planType: 'Compute', resource: 'prod/AiInference/Service/Fleet/Group/ASG', why: 'base', instanceType: 'g5.xlarge', instances: 2, onDemandUsdPerHour: 1.006 };
  const endpoint: AlwaysOnUsage = { planType: 'SageMaker', resource: 'prod/Training/SageMaker/EndpointConfig', why: 'minimum', instanceType: 'ml.g5.xlarge', instances: 2, onDemandUsdPerHour: 1.408 };

  test('commits the always-on usage at Savings Plans rates, and saves the discount every hour of the month', () => {
    expect(adviseSavingsPlans([prod], 0.25)).toEqual([expect.objectContaining({
      planType: 'Compute', onDemandUsdPerHour: 2.012, hourlyCommitmentUsd: 1.509, monthlySavingUsd: cents((2.012 - 1.509) * HOURS_PER_MONTH), breakEvenUtilization: 0.75,
    })]);
  });

  test('one commitment per plan type: EC2 instances under a Compute Savings Plan, SageMaker instances under a SageMaker one', () => {
    expect(adviseSavingsPlans([prod, endpoint], 0.25).map((a) => [a.planType, a.hourlyCommitmentUsd])).toEqual([['Compute', 1.509], ['SageMaker', 2.112]]);
  });

  test('the plan pays off exactly when the covered usage runs its break-even share of the hours', () => {
    const [advice] = adviseSavingsPlans([prod], 0.25);
    const running: HourlyUsage[] = [{ name: 'g5', units: 2, onDemandRateUsd: 1.006, savingsPlanRateUsd: 1.006 * 0.75 }];
    // Four hours, the usage running in three of them: 75 %, the break-even.
    const hours = [running, running, running, []];
    const withPlan = hours.reduce((n, h) => n + billHour(advice.hourlyCommitmentUsd, h).totalUsd, 0);
    const onDemand = hours.reduce((n, h) => n + billHour(0, h).totalUsd, 0);
    expect(hours.filter((h) => h.length > 0).length / hours.length).toBe(advice.breakEvenUtilization);
    expect(withPlan).toBeCloseTo(onDemand, 9);
  });

  test('rounds the commitment down to the five decimals CreateSavingsPlan takes', () => {
    const [advice] = adviseSavingsPlans([{ ...prod, instances: 1, onDemandUsdPerHour: 1.23456789 }], 0.25);
    expect(advice.hourlyCommitmentUsd).toBe(0.92592);
  });

  test('recommends nothing below CreateSavingsPlan\'s minimum commitment of $0.001 an hour', () => {
    expect(adviseSavingsPlans([{ ...prod, instances: 1, onDemandUsdPerHour: 0.001 }], 0.25)).toEqual([]);
  });

  test('assumes the price table\'s discount unless told another', () => {
    expect(adviseSavingsPlans([prod])[0].discount).toBe(SAVINGS_PLAN_ASSUMPTION.discount);
  });
});

describe('alwaysOnUsage', () => {
  const prices = regionPrices('us-east-1');
  const figures = {} as PolicyFigures;
  const stacks = (resources: Record<string, unknown>): EnvironmentStacks =>
    ({ environment: 'prod', stacks: [{ hierarchicalId: 'prod/Stack', template: { Resources: { Fleet: { Type: 'AWS::AutoScaling::AutoScalingGroup' }, ...resources } as never } }] });
  const usageOf = (f: FleetModel, resources: Record<string, unknown> = {}) =>
    alwaysOnUsage(stacks(resources), { fleets: [{ service: 'default', fleet: f, idle: figures, expected: figures, prices: fleetPrices(f, prices) }], days: 7, inferenceFleets: [f.source] }, prices);
  const prodFleet = (overrides: Partial<FleetModel> = {}) =>
    fleet({ source: 'prod/Stack/Fleet', minSize: 2, maxSize: 10, onDemandBaseCapacity: 2, onDemandPercentageAboveBaseCapacity: 25, ...overrides });

  test('a fleet keeps its MinSize\'s on-demand instances every hour: the base, then the percentage above it, rounded up', () => {
    expect(usageOf(prodFleet()).map((u) => [u.planType, u.instanceType, u.instances])).toEqual([['Compute', 'g5.xlarge', 2]]);
    expect(usageOf(prodFleet({ minSize: 4, onDemandBaseCapacity: 1, onDemandPercentageAboveBaseCapacity: 50 }))[0].instances).toBe(3);
  });

  test('a fleet whose schedule lowers MinSize to 0 at night keeps nothing every hour', () => {
    const night = { name: 'night', cron: '0 22 * * *', timeZone: 'Europe/Berlin', minSize: 0 };
    const morning = { name: 'morning', cron: '0 8 * * 1-5', timeZone: 'Europe/Berlin', minSize: 2 };
    expect(usageOf(prodFleet({ schedules: [night, morning] }))).toEqual([]);
  });

  test('an all-spot fleet keeps no on-demand instance', () => {
    expect(usageOf(prodFleet({ onDemandBaseCapacity: 0, onDemandPercentageAboveBaseCapacity: 0 }))).toEqual([]);
  });

  test('the training cluster\'s kept nodes and each SageMaker variant\'s minimum instances run every hour', () => {
    const cluster = { Type: 'AWS::AutoScaling::AutoScalingGroup', Properties: { MinSize: '1', MaxSize: '4', LaunchTemplate: { LaunchTemplateId: { Ref: 'Lt' } } } };
    const lt = { Type: 'AWS::EC2::LaunchTemplate', Properties: { LaunchTemplateData: { InstanceType: 'g5.12xlarge' } } };
    const config = { Type: 'AWS::SageMaker::EndpointConfig', Properties: { ProductionVariants: [{ VariantName: 'primary', InstanceType: 'ml.g5.xlarge', InitialInstanceCount: 2 }] } };
    const target = { Type: 'AWS::ApplicationAutoScaling::ScalableTarget', Properties: { ResourceId: 'endpoint/e/variant/primary', MinCapacity: 1, MaxCapacity: 6 } };
    const usage = usageOf(prodFleet({ minSize: 0 }), { Cluster: cluster, Lt: lt, Config: config, Target: target });
    expect(usage.map((u) => [u.planType, u.resource, u.instanceType, u.instances])).toEqual([
      ['Compute', 'prod/Stack/Cluster', 'g5.12xlarge', 1],
      ['SageMaker', 'prod/Stack/Config (variant primary)', 'ml.g5.xlarge', 1],
    ]);
  });
});

describe('buying the advice', () => {
  test('CloudFormation has no Savings Plans resource type: aws-cdk-lib, generated from its resource specification, has no module for one', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const modules = Object.keys((require('aws-cdk-lib/package.json') as { exports: Record<string, unknown> }).exports);
    expect(modules).toContain('./aws-budgets');
    expect(modules).toContain('./aws-ce');
    expect(modules.filter((m) => /savings/i.test(m))).toEqual([]);
  });
});
