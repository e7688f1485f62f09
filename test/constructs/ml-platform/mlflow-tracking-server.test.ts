import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { MlflowTrackingServer, MlflowTrackingServerProps, MlflowTrackingServerSize } from '../../../lib/constructs/ml-platform/mlflow-tracking-server';

function serverStack(props: Partial<MlflowTrackingServerProps> = {}): { stack: Stack; server: MlflowTrackingServer } {
  const stack = new Stack(new App(), 'Test');
  const artifactBucket = new s3.Bucket(stack, 'Artifacts');
  return { stack, server: new MlflowTrackingServer(stack, 'Mlflow', { artifactBucket, ...props }) };
}

describe('MlflowTrackingServer', () => {
  const { stack, server } = serverStack({ size: 'Medium', weeklyMaintenanceWindowStart: 'Sun:03:00' });
  const logger = new iam.Role(stack, 'Logger', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
  server.grantLogRuns(logger);
  const template = Template.fromStack(stack);

  test('is sized, maintained weekly and registers models automatically, with artifacts under mlflow/', () => {
    template.hasResourceProperties('AWS::SageMaker::MlflowTrackingServer', {
      TrackingServerSize: 'Medium',
      WeeklyMaintenanceWindowStart: 'Sun:03:00',
      AutomaticModelRegistration: true,
      ArtifactStoreUri: { 'Fn::Join': ['', ['s3://', { Ref: Match.stringLikeRegexp('^Artifacts') }, '/mlflow']] },
    });
  });

  test('runs as a role only SageMaker assumes', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      Description: Match.stringLikeRegexp('MLflow tracking server'),
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'sagemaker.amazonaws.com' } })] },
    });
  });

  test('may register models in the SageMaker Model Registry', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith(['sagemaker:CreateModelPackageGroup', 'sagemaker:CreateModelPackage']) })]) },
    });
  });

  test('lets a granted role log runs on this server only', () => {
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^Logger') }],
      PolicyDocument: { Statement: Match.arrayWith([{
        Effect: 'Allow', Action: ['sagemaker-mlflow:*', 'sagemaker:DescribeMlflowTrackingServer'],
        Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Mlflow'), 'TrackingServerArn'] },
      }]) },
    });
  });

  test('defaults to a Small server', () => {
    Template.fromStack(serverStack().stack).hasResourceProperties('AWS::SageMaker::MlflowTrackingServer', { TrackingServerSize: 'Small' });
  });
});

describe('MlflowTrackingServer validation', () => {
  // AWS::SageMaker::MlflowTrackingServer TrackingServerSize, allowed values: Small | Medium | Large.
  test.each(['Small', 'Medium', 'Large'] as const)('accepts CloudFormation\'s size %s', (size) => {
    Template.fromStack(serverStack({ size }).stack).hasResourceProperties('AWS::SageMaker::MlflowTrackingServer', { TrackingServerSize: size });
  });

  test.each(['XLarge', 'small', ''])('rejects the size "%s", which CloudFormation would refuse at deploy', (size) => {
    expect(() => serverStack({ size: size as MlflowTrackingServerSize })).toThrow(
      new RegExp(`size \\("${size}"\\) must be one of Small, Medium, Large \\(CloudFormation's TrackingServerSize\\)`),
    );
  });

  test('a maintenance window that is not Ddd:HH:MM', () => {
    expect(() => serverStack({ weeklyMaintenanceWindowStart: 'Sunday 3am' })).toThrow(/weeklyMaintenanceWindowStart \("Sunday 3am"\) must be Ddd:HH:MM in UTC/);
  });

  test('an MLflow version that is not a version number', () => {
    expect(() => serverStack({ mlflowVersion: 'latest' })).toThrow(/mlflowVersion \("latest"\) must be a version number/);
  });
});
