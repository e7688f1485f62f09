import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { InferenceEndpoint } from '../../../lib/constructs/inference/inference-endpoint';

function endpoint(stack: Stack, deletionProtection?: boolean): Template {
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1, restrictDefaultSecurityGroup: false });
  const autoScalingGroup = new autoscaling.AutoScalingGroup(stack, 'Group', {
    vpc,
    instanceType: new ec2.InstanceType('g5.xlarge'),
    machineImage: ec2.MachineImage.latestAmazonLinux2023(),
  });
  new InferenceEndpoint(stack, 'Endpoint', {
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    securityGroup: new ec2.SecurityGroup(stack, 'Sg', { vpc }),
    fleet: autoScalingGroup,
    accessLogsBucket: new s3.Bucket(stack, 'Logs'),
    deletionProtection,
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
    endpoint(new Stack(new App(), 'Protected'), true).hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'deletion_protection.enabled', Value: 'true' }]),
    });
  });

  test('forwards HTTP 80 to the fleet on 8080 with a /health check', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 80, Protocol: 'HTTP' });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: 8080,
      Protocol: 'HTTP',
      TargetType: 'instance',
      HealthCheckPath: '/health',
      Matcher: { HttpCode: '200' },
    });
  });

  test('registers the fleet as targets', () => {
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { TargetGroupARNs: [{ Ref: Match.stringLikeRegexp('EndpointFleet') }] });
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

describe('InferenceEndpoint rejects', () => {
  test('a port out of range', () => {
    const stack = new Stack(new App(), 'Test');
    const vpc = new ec2.Vpc(stack, 'Vpc', { restrictDefaultSecurityGroup: false });
    const autoScalingGroup = new autoscaling.AutoScalingGroup(stack, 'Group', {
      vpc,
      instanceType: new ec2.InstanceType('g5.xlarge'),
      machineImage: ec2.MachineImage.latestAmazonLinux2023(),
    });
    expect(
      () =>
        new InferenceEndpoint(stack, 'Endpoint', {
          vpc,
          vpcSubnets: {},
          securityGroup: new ec2.SecurityGroup(stack, 'Sg', { vpc }),
          fleet: autoScalingGroup,
          accessLogsBucket: new s3.Bucket(stack, 'Logs'),
          inferencePort: 0,
        }),
    ).toThrow(/inferencePort \(0\) must be between 1 and 65535/);
  });
});
