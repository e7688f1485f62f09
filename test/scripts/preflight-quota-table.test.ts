import { ENVIRONMENTS } from '../../lib/config';
import { generateQuotaTable, quotaRows, committedQuotaTable, renderQuotaTable, vcpusBySize } from '../../scripts/preflight/quota-table';
import { EnvironmentStack } from '../../scripts/preflight/template';

describe('docs/operations.md "Quotas a fresh account needs"', () => {
  test('is what `npm run docs:quotas` generates from the environments\' templates: run it and commit docs/operations.md', () => {
    expect(committedQuotaTable()).toBe(generateQuotaTable());
  });

  test('has a column per environment of ENVIRONMENTS, in order', () => {
    expect(committedQuotaTable().split('\n')[1]).toBe(`| quota | ${ENVIRONMENTS.map((c) => c.name).join(' | ')} | all in one account and region |`);
  });
});

describe('vcpusBySize: EC2\'s size names', () => {
  // Examples from the EC2 instance type specifications (accelerated computing, general purpose).
  test.each([['g5.xlarge', 4], ['g4dn.12xlarge', 48], ['g5.48xlarge', 192], ['p4d.24xlarge', 96], ['p3.8xlarge', 32], ['m6i.large', 2], ['g4dn.metal', undefined]])('%s: %s', (type, vcpus) => {
    expect(vcpusBySize(type)).toBe(vcpus);
  });
});

describe('quotaRows', () => {
  const stack = (reserved: number, eips: number): EnvironmentStack[] => [{
    stackName: 'x',
    template: { Resources: {
      ...Object.fromEntries(Array.from({ length: eips }, (_, n) => [`Eip${n}`, { Type: 'AWS::EC2::EIP' }])),
      ...(reserved ? { Fn: { Type: 'AWS::Lambda::Function', Properties: { ReservedConcurrentExecutions: reserved } } } : {}),
    } },
  }];
  const [config] = ENVIRONMENTS;
  const rows = quotaRows([{ config: { ...config, name: 'a' }, stacks: stack(1, 1) }, { config: { ...config, name: 'b' }, stacks: stack(2, 3) }]);
  const row = (prefix: string) => rows.find((r) => r.quota.startsWith(prefix));

  test('Elastic IPs add up over the environments of one account and region', () => {
    expect([row('EC2: EC2-VPC')?.byEnvironment.get('a'), row('EC2: EC2-VPC')?.byEnvironment.get('b'), row('EC2: EC2-VPC')?.all]).toEqual([1, 3, 4]);
  });

  test('Lambda: each environment\'s reservations plus the 100 Lambda keeps unreserved, once for the account', () => {
    expect([row('Lambda')?.byEnvironment.get('a'), row('Lambda')?.byEnvironment.get('b'), row('Lambda')?.all]).toEqual([101, 102, 103]);
  });

  test('renders one column per environment given, then the total', () => {
    expect(renderQuotaTable(['a', 'b'], rows).split('\n').slice(1, 3)).toEqual(['| quota | a | b | all in one account and region |', '| --- | ---: | ---: | ---: |']);
  });
});
