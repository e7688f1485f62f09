import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { ModelPackageModel } from '../../../lib/constructs/training/model-package-model';
import { SageMakerEndpoint, SageMakerEndpointProps } from '../../../lib/constructs/training/sagemaker-endpoint';
import { SageMakerExecutionRole } from '../../../lib/constructs/training/sagemaker-execution-role';
import { bareStack } from './fixtures';

const GROUP = 'sentiment-3f2a1c';

function build(props: Partial<SageMakerEndpointProps> = {}, withVpc = false) {
  const { stack, vpc, buckets } = bareStack();
  const { role } = new SageMakerExecutionRole(stack, 'ExecutionRole', {
    artifactBucket: buckets.artifactBucket,
    datasetBucket: buckets.datasetBucket,
    checkpointBucket: buckets.checkpointBucket,
    repository: ecr.Repository.fromRepositoryName(stack, 'Repository', 'ai-infra/serving'),
  });
  const endpoint = new SageMakerEndpoint(stack, 'SageMaker', {
    role,
    modelBucket: buckets.artifactBucket,
    model: { modelPackage: { groupName: GROUP, version: 4 }, gpuMemoryFraction: 0.5 },
    // A GPU and a CPU type: an archive's image would need a build for each.
    variants: [
      { name: 'primary', instanceType: 'ml.g5.xlarge', initialInstanceCount: 1, initialVariantWeight: 9 },
      { name: 'candidate', instanceType: 'ml.m5.large', initialInstanceCount: 1, initialVariantWeight: 1 },
    ],
    minCapacity: 1,
    maxCapacity: 2,
    maxRequestsPerSecond: 20,
    vpc: withVpc ? vpc : undefined,
    ...props,
  });
  const registered = (endpoint.node.findChild('RegisteredModel') as ModelPackageModel).registered;
  return { stack, vpc, endpoint, template: Template.fromStack(stack), resolverId: stack.getLogicalId(registered.node.defaultChild as never) };
}

describe('SageMakerEndpoint serving a registered model', () => {
  const { endpoint, template, resolverId } = build();
  const getAtt = (attribute: string) => ({ 'Fn::GetAtt': [resolverId, attribute] });

  test('has one model, created from the resolved version: SageMaker takes its image and model data from the package', () => {
    template.resourceCountIs('AWS::SageMaker::Model', 1);
    template.hasResourceProperties('AWS::SageMaker::Model', {
      PrimaryContainer: { ModelPackageName: getAtt('ModelPackageArn'), Environment: { GPU_MEMORY_FRACTION: '0.5' }, Image: Match.absent(), ModelDataUrl: Match.absent() },
    });
  });

  test('every variant, GPU or CPU, runs that model', () => {
    expect(endpoint.models).toHaveLength(1);
    const modelName = { 'Fn::GetAtt': [Match.stringLikeRegexp('^SageMakerRegisteredModel[0-9A-F]{8}$'), 'ModelName'] };
    template.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
      ProductionVariants: [Match.objectLike({ VariantName: 'primary', ModelName: modelName }), Match.objectLike({ VariantName: 'candidate', ModelName: modelName })],
    });
  });

  test('the execution role may read the resolved archive and pull the resolved image', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^ExecutionRole') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          { Action: 's3:GetObject', Effect: 'Allow', Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::', getAtt('ArtifactBucket'), '/', getAtt('ArtifactKey')]] } },
          Match.objectLike({ Action: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'], Resource: getAtt('ImageRepositoryArn') }),
        ]),
      },
    });
  });

  test('the execution role reads no models/ key of the model bucket', () => {
    expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).not.toContain('/models/');
  });

  test('the resolver keeps its logs a year unless told otherwise', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
  });
});

describe('SageMakerEndpoint serving a registered model in a VPC, its resolver\'s logs kept a week', () => {
  const { template } = build({ logRetention: RetentionDays.ONE_WEEK }, true);

  test('the model\'s containers run in the private subnets with a security group of their own', () => {
    template.hasResourceProperties('AWS::SageMaker::Model', {
      VpcConfig: {
        SecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^SageMakerRegisteredModelSecurityGroup'), 'GroupId'] }],
        Subnets: [{ Ref: Match.stringLikeRegexp('^VpcPrivateSubnet1') }, { Ref: Match.stringLikeRegexp('^VpcPrivateSubnet2') }],
      },
    });
  });

  test('the resolver keeps its logs as long as it is told', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
  });
});
