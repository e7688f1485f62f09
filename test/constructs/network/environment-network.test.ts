import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { EnvironmentNetwork, EnvironmentNetworkProps, networkSettingsProblems } from '../../../lib/constructs/network/environment-network';
import { NetworkStack } from '../../../lib/stacks/network-stack';
import { problemsOf } from '../../../lib/validation';

function network(overrides: Partial<EnvironmentNetworkProps> = {}): { stack: Stack; network: EnvironmentNetwork } {
  const stack = new Stack(new App(), 'Test');
  const construct = new EnvironmentNetwork(stack, 'Network', { maxAzs: 2, natGateways: 1, flowLogRetention: RetentionDays.ONE_WEEK, ...overrides });
  return { stack, network: construct };
}

describe('EnvironmentNetwork', () => {
  const { stack, network: net } = network();
  const template = Template.fromStack(stack);

  test('a /24 public and a /20 private subnet with egress per AZ, one NAT gateway', () => {
    template.resourceCountIs('AWS::EC2::NatGateway', 1);
    template.resourcePropertiesCountIs('AWS::EC2::Subnet', { CidrBlock: Match.stringLikeRegexp('/24$'), MapPublicIpOnLaunch: false }, 2);
    template.resourcePropertiesCountIs('AWS::EC2::Subnet', { CidrBlock: Match.stringLikeRegexp('/20$'), MapPublicIpOnLaunch: false }, 2);
    expect(net.privateSubnets).toEqual({ subnetType: 'Private' });
  });

  test('the default range is 10.0.0.0/16', () => {
    template.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.0.0.0/16' });
    expect(net.cidr).toBe('10.0.0.0/16');
  });

  test('flow logs of all traffic to a retained log group with the configured retention', () => {
    template.hasResourceProperties('AWS::EC2::FlowLog', { ResourceType: 'VPC', TrafficType: 'ALL', LogDestinationType: 'cloud-watch-logs' });
    template.hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Retain', Properties: { RetentionInDays: 7 } });
  });

  test('the flow log group has no customer managed key unless given one', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: Match.absent() });
  });

  test('flowLogEncryptionKey encrypts the flow log group', () => {
    const stack = new Stack(new App(), 'Keyed');
    new EnvironmentNetwork(stack, 'Network', { maxAzs: 2, natGateways: 1, flowLogRetention: RetentionDays.ONE_WEEK, flowLogEncryptionKey: new kms.Key(stack, 'LogsKey') });
    Template.fromStack(stack).hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LogsKey'), 'Arn'] } });
  });

  test('an S3 gateway endpoint keeps model pulls off the NAT', () => {
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Gateway',
      ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.s3']] },
    });
  });

  test('no custom resource restricts the default security group', () => {
    template.resourceCountIs('Custom::VpcRestrictDefaultSG', 0);
    template.resourceCountIs('AWS::Lambda::Function', 0);
  });

  test('holds no workload security group', () => {
    template.resourceCountIs('AWS::EC2::SecurityGroup', 0);
  });

  test('the placement subnet is the first private subnet', () => {
    expect(net.placementSubnet).toBe(net.vpc.privateSubnets[0]);
  });

  test('the range and the removal policy are props', () => {
    const other = network({ cidr: '10.20.0.0/18', removalPolicy: RemovalPolicy.DESTROY });
    const otherTemplate = Template.fromStack(other.stack);
    otherTemplate.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.20.0.0/18' });
    otherTemplate.hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Delete' });
    expect(other.network.cidr).toBe('10.20.0.0/18');
  });

  describe('rejects', () => {
    test('more NAT gateways than AZs', () => {
      expect(() => network({ natGateways: 3 })).toThrow(/natGateways \(3\) must be between 1 and 2/);
    });

    test('0 AZs', () => {
      expect(() => network({ maxAzs: 0 })).toThrow(/maxAzs \(0\) must be between 1 and 6/);
    });

    test('a range wider than /16', () => {
      expect(() => network({ cidr: '10.0.0.0/8' })).toThrow(/cidr \("10.0.0.0\/8"\) must be an IPv4 range from \/16 to \/20/);
    });

    test('a range narrower than /20', () => {
      expect(() => network({ cidr: '10.0.0.0/24' })).toThrow(/cidr \("10.0.0.0\/24"\) must be an IPv4 range from \/16 to \/20/);
    });

    test('a range that is not CIDR notation', () => {
      expect(() => network({ cidr: '10.0.0.0' })).toThrow(/cidr \("10.0.0.0"\) must be an IPv4 range/);
    });
  });

  test('networkSettingsProblems names each field and passes valid settings', () => {
    expect(problemsOf(networkSettingsProblems({ maxAzs: 3, natGateways: 3, cidr: '10.1.0.0/16' }))).toEqual([]);
    expect(problemsOf(networkSettingsProblems({ maxAzs: 7, natGateways: 0, cidr: 'x' }))).toEqual([
      'maxAzs (7) must be between 1 and 6',
      'natGateways (0) must be between 1 and 7',
      'cidr ("x") must be an IPv4 range from /16 to /20, e.g. "10.0.0.0/16": each AZ gets a /24 public and a /20 private subnet',
    ]);
  });
});

describe('NetworkStack, environment-agnostic', () => {
  const stack = new NetworkStack(new App(), 'Network', {
    network: { maxAzs: 3, natGateways: 3 },
    logRetention: RetentionDays.ONE_MONTH,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const template = Template.fromStack(stack);

  test('spans the configured 3 AZs, resolved at deploy time', () => {
    template.resourcePropertiesCountIs('AWS::EC2::Subnet', { CidrBlock: Match.stringLikeRegexp('/20$') }, 3);
    for (const n of [0, 1, 2]) {
      template.hasResourceProperties('AWS::EC2::Subnet', { AvailabilityZone: { 'Fn::Select': [n, { 'Fn::GetAZs': '' }] } });
    }
  });

  test('has 3 NAT gateways', () => {
    template.resourceCountIs('AWS::EC2::NatGateway', 3);
  });
});
