import { CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { InferenceNetwork } from '../../../lib/constructs/inference/inference-network';
import { bareStack } from './fixtures';

describe('InferenceNetwork', () => {
  const stack = bareStack();
  const network = new InferenceNetwork(stack, 'Network', { maxAzs: 2, natGateways: 1, flowLogRetention: RetentionDays.ONE_WEEK });
  const template = Template.fromStack(stack);
  const ref = (sg: ec2.ISecurityGroup) => ({ 'Fn::GetAtt': [stack.getLogicalId(sg.node.defaultChild as CfnElement), 'GroupId'] });

  test('private subnets with egress for the fleet, one NAT gateway', () => {
    template.resourceCountIs('AWS::EC2::NatGateway', 1);
    template.resourcePropertiesCountIs('AWS::EC2::Subnet', { MapPublicIpOnLaunch: false }, 2);
  });

  test('flow logs of all traffic to a log group with the configured retention', () => {
    template.hasResourceProperties('AWS::EC2::FlowLog', { ResourceType: 'VPC', TrafficType: 'ALL', LogDestinationType: 'cloud-watch-logs' });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
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

  test('the ALB accepts HTTP only from inside the VPC', () => {
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'Internal ALB of the inference fleet',
      SecurityGroupIngress: [{ CidrIp: '10.0.0.0/16', IpProtocol: 'tcp', FromPort: 80, ToPort: 80, Description: 'HTTP from inside the VPC' }],
    });
  });

  test('the ALB reaches the fleet on 8080 only', () => {
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: ref(network.fleetSecurityGroup),
      SourceSecurityGroupId: ref(network.loadBalancerSecurityGroup),
      FromPort: 8080,
      ToPort: 8080,
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
      GroupId: ref(network.loadBalancerSecurityGroup),
      DestinationSecurityGroupId: ref(network.fleetSecurityGroup),
      FromPort: 8080,
    });
  });

  test('the fleet reaches EFS on 2049 only', () => {
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: ref(network.fileSystemSecurityGroup),
      SourceSecurityGroupId: ref(network.fleetSecurityGroup),
      FromPort: 2049,
      ToPort: 2049,
    });
  });

  test('the ALB and EFS groups send nothing else out', () => {
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'EFS model cache mount targets',
      SecurityGroupEgress: [Match.objectLike({ CidrIp: '255.255.255.255/32' })],
    });
  });

  test('rejects more NAT gateways than AZs', () => {
    expect(() => new InferenceNetwork(bareStack(), 'Network', { maxAzs: 2, natGateways: 3, flowLogRetention: RetentionDays.ONE_WEEK })).toThrow(
      /natGateways \(3\) must be between 1 and 2/,
    );
  });

  test('rejects 0 AZs', () => {
    expect(() => new InferenceNetwork(bareStack(), 'Network', { maxAzs: 0, natGateways: 1, flowLogRetention: RetentionDays.ONE_WEEK })).toThrow(
      /maxAzs \(0\) must be between 1 and 6/,
    );
  });

  test('rejects a port out of range', () => {
    expect(
      () => new InferenceNetwork(bareStack(), 'Network', { maxAzs: 2, natGateways: 1, flowLogRetention: RetentionDays.ONE_WEEK, inferencePort: 70_000 }),
    ).toThrow(/inferencePort \(70000\) must be between 1 and 65535/);
  });
});
