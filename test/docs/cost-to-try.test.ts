import { CostEstimate } from '../../lib/foresight/cost-model';
import { CostLine } from '../../lib/foresight/cost-line';
import { committedCostToTry, generateCostToTry, renderCostToTry } from '../../scripts/foresight/cost-to-try';

describe('README "What it costs to try"', () => {
  test('is what `npm run docs:cost` generates from `npm run cost` of the first environment: run it and commit README.md', () => {
    expect(committedCostToTry()).toBe(generateCostToTry());
  });
});

describe('renderCostToTry', () => {
  const line = (resource: string, type: string, minUsd: number, expectedUsd: number, maxUsd: number): CostLine => ({
    resource, type, component: 'c', quantity: 1, unit: 'hours', unitPriceUsd: 1, monthly: { minUsd, expectedUsd, maxUsd },
  });
  const estimate: CostEstimate = {
    env: 'try',
    budgetUsd: 500,
    fixed: [
      line('try/Network/Network/Vpc/publicSubnet1/NATGateway', 'AWS::EC2::NatGateway', 30, 30, 30),
      line('try/Training/SageMaker/EndpointConfig/EndpointConfig', 'AWS::SageMaker::EndpointConfig', 80, 80, 160),
      line('try/Training/SageMakerDashboard/Dashboard', 'AWS::CloudWatch::Dashboard', 3, 3, 3),
      line('try/Training/Dashboard/Dashboard', 'AWS::CloudWatch::Dashboard', 3, 3, 3),
      line('try/AiInference/LogsKey/Key', 'AWS::KMS::Key', 1, 1, 1),
    ],
    usage: [line('try/AiInference/Service/Fleet/Group/ASG', 'AWS::AutoScaling::AutoScalingGroup', 0, 100, 1000)],
    total: { minUsd: 117, expectedUsd: 217, maxUsd: 1197 },
    overBudget: false,
    unpriced: [],
    assumptions: ['NAT 50 GB/month per gateway'],
  };
  const lines = renderCostToTry({ estimate, workload: 'steady', region: 'eu-central-1', pricesAsOf: '2026-01-01' }).split('\n');

  test('puts what runs before the model is published apart from the SageMaker endpoint and dashboard publishing adds', () => {
    expect(lines.slice(3, 5)).toEqual([
      '| deployed, model not yet published: network, load balancer, model cache, keys, alarms, dashboards | $34.00 | $34.00 | $34.00 |',
      '| the SageMaker endpoint and its dashboard, once the model is published | $83.00 | $83.00 | $163.00 |',
    ]);
  });

  test('names the environment, the workload, the budget, the prices and the usage assumed', () => {
    expect([lines[1], lines[8]]).toEqual([
      '| `npm run cost -- --env try`, USD a month | min: no jobs | expected: steady workload | max: all at MaxSize, on demand |',
      'Its budget: $500.00 a month. Prices of eu-central-1 as of 2026-01-01; usage assumed: NAT 50 GB/month per gateway.',
    ]);
  });
});
