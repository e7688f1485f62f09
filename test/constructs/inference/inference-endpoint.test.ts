import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { GpuFleet } from '../../../lib/constructs/inference/gpu-fleet';
import { InferenceEndpoint, InferenceEndpointProps } from '../../../lib/constructs/inference/inference-endpoint';
import { fleetProps } from './fixtures';

function endpoint(stack: Stack, overrides: Partial<InferenceEndpointProps> = {}): Template {
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1, restrictDefaultSecurityGroup: false });
  new InferenceEndpoint(stack, 'Endpoint', {
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    fleet: new GpuFleet(stack, 'Fleet', fleetProps(vpc)),
    accessLogsBucket: new s3.Bucket(stack, 'Logs'),
    ...overrides,
  });
  return Template.fromStack(stack);
}

describe('InferenceEndpoint, environment-agnostic', () => {
  const template = endpoint(new Stack(new App(), 'Test'));

  test('is an internal ALB', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internal', Type: 'application' });
  });

  test('has deletion protection off by default', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'deletion_protection.enabled', Value: 'false' }]),
    });
  });

  test('deletionProtection turns it on', () => {
    endpoint(new Stack(new App(), 'Protected'), { deletionProtection: true }).hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'deletion_protection.enabled', Value: 'true' }]),
    });
  });

  test('forwards HTTP 80 to the fleet on the SageMaker contract\'s 8080 with its /ping check', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 80, Protocol: 'HTTP' });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: 8080,
      Protocol: 'HTTP',
      TargetType: 'instance',
      HealthCheckPath: '/ping',
      Matcher: { HttpCode: '200' },
    });
  });

  test('registers the fleet as targets', () => {
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { TargetGroupARNs: [{ Ref: Match.stringLikeRegexp('EndpointFleet') }] });
  });

  test('its own security group admits HTTP 80 from the VPC CIDR by default', () => {
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'Internal ALB of the inference fleet',
      SecurityGroupIngress: [Match.objectLike({ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, CidrIp: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Vpc'), 'CidrBlock'] } })],
    });
  });

  test('the fleet admits the load balancer on the inference port', () => {
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp',
      FromPort: 8080,
      ToPort: 8080,
      GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FleetSecurityGroup'), 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EndpointSecurityGroup'), 'GroupId'] },
    });
  });

  test('writes access logs to the bucket under alb/', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([
        { Key: 'access_logs.s3.enabled', Value: 'true' },
        { Key: 'access_logs.s3.prefix', Value: 'alb' },
      ]),
    });
  });

  test('lets the regional ELB account write the logs, from a region map', () => {
    template.hasMapping('*', Match.objectLike({ 'us-east-1': Match.anyValue() }));
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 's3:PutObject', Principal: { AWS: { 'Fn::Join': Match.arrayWith([Match.arrayWith([Match.objectLike({ 'Fn::FindInMap': Match.anyValue() })])]) } } }),
        ]),
      },
    });
  });

  test('the ALB waits for the bucket policy', () => {
    template.hasResource('AWS::ElasticLoadBalancingV2::LoadBalancer', { DependsOn: Match.arrayWith([Match.stringLikeRegexp('LogsPolicy')]) });
  });
});

describe('InferenceEndpoint, in a known region', () => {
  const template = endpoint(new Stack(new App(), 'Test', { env: { account: '111111111111', region: 'eu-central-1' } }));

  test('uses the ELB account of that region', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 's3:PutObject', Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::054676820928:root']] } } }),
        ]),
      },
    });
  });
});

describe('InferenceEndpoint with a client CIDR', () => {
  test('admits HTTP 80 from that range only', () => {
    const template = endpoint(new Stack(new App(), 'Test'), { clientCidr: '10.20.0.0/16' });
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'Internal ALB of the inference fleet',
      SecurityGroupIngress: [Match.objectLike({ FromPort: 80, CidrIp: '10.20.0.0/16' })],
    });
  });
});
