import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { InferenceImage } from '../../../lib/constructs/inference/inference-image';
import { SageMakerEndpoint, SageMakerEndpointProps } from '../../../lib/constructs/training/sagemaker-endpoint';
import { SageMakerExecutionRole } from '../../../lib/constructs/training/sagemaker-execution-role';
import { bareStack } from './fixtures';
import { DENY_NON_AWS_GRANTS } from '../../helpers/kms';

const VARIANTS = [
  { name: 'primary', instanceType: 'ml.g5.xlarge', initialInstanceCount: 2, initialVariantWeight: 9 },
  { name: 'candidate', instanceType: 'ml.g5.xlarge', initialInstanceCount: 1, initialVariantWeight: 1 },
];

function build(props: Partial<SageMakerEndpointProps> = {}, withVpc = false) {
  const { stack, vpc, buckets } = bareStack();
  const repository = ecr.Repository.fromRepositoryName(stack, 'Repository', 'ai-infra/serving');
  const { role } = new SageMakerExecutionRole(stack, 'ExecutionRole', {
    artifactBucket: buckets.artifactBucket,
    datasetBucket: buckets.datasetBucket,
    checkpointBucket: buckets.checkpointBucket,
    repository,
  });
  new SageMakerEndpoint(stack, 'SageMaker', {
    role,
    modelBucket: buckets.artifactBucket,
    model: { name: 'sentiment', version: '1.0.0', image: InferenceImage.fromEcrRepository(repository, '1.0.0') },
    variants: VARIANTS,
    minCapacity: 1,
    maxCapacity: 6,
    maxRequestsPerSecond: 20,
    safetyFactor: 0.5,
    vpc: withVpc ? vpc : undefined,
    ...props,
  });
  return Template.fromStack(stack);
}

describe('SageMakerEndpoint', () => {
  const template = build();

  test('the model runs the ECR image with model data from the artifact bucket', () => {
    template.hasResourceProperties('AWS::SageMaker::Model', {
      ExecutionRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ExecutionRole[0-9A-F]{8}$'), 'Arn'] },
      PrimaryContainer: {
        Image: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('/ai-infra/serving:1.0.0$')])] }),
        ModelDataUrl: { 'Fn::Join': ['', Match.arrayWith([{ Ref: Match.stringLikeRegexp('^BucketsArtifacts') }, '/models/sentiment/1.0.0/model.tar.gz'])] },
      },
    });
  });

  test('the endpoint config has every production variant with its count and weight', () => {
    template.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
      ProductionVariants: [
        Match.objectLike({ VariantName: 'primary', InstanceType: 'ml.g5.xlarge', InitialInstanceCount: 2, InitialVariantWeight: 9 }),
        Match.objectLike({ VariantName: 'candidate', InstanceType: 'ml.g5.xlarge', InitialInstanceCount: 1, InitialVariantWeight: 1 }),
      ],
    });
  });

  test('the endpoint uses the endpoint config', () => {
    template.hasResourceProperties('AWS::SageMaker::Endpoint', {
      EndpointConfigName: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SageMakerEndpointConfig'), 'EndpointConfigName'] },
    });
  });

  test.each(['primary', 'candidate'])('variant %s scales between minCapacity and maxCapacity', (variant) => {
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      ServiceNamespace: 'sagemaker',
      ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
      MinCapacity: 1,
      MaxCapacity: 6,
      ResourceId: { 'Fn::Join': ['', ['endpoint/', Match.anyValue(), `/variant/${variant}`]] },
    });
  });

  test('each variant tracks invocations per instance at maxRequestsPerSecond x safetyFactor x 60', () => {
    const policies = template.findResources('AWS::ApplicationAutoScaling::ScalingPolicy', {
      Properties: {
        PolicyType: 'TargetTrackingScaling',
        TargetTrackingScalingPolicyConfiguration: {
          PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerVariantInvocationsPerInstance' },
          TargetValue: 600,
        },
      },
    });
    expect(Object.keys(policies)).toHaveLength(2);
  });

  test('no customer managed key unless asked', () => {
    template.resourceCountIs('AWS::KMS::Key', 0);
    template.hasResourceProperties('AWS::SageMaker::EndpointConfig', { KmsKeyId: Match.absent() });
  });

  /** Variants on EBS-backed instances, the only ones a customer managed key can encrypt. */
  const EBS_VARIANTS = VARIANTS.map((v) => ({ ...v, instanceType: 'ml.m5.xlarge' }));

  test('customerManagedKey encrypts the storage volume with a rotated key', () => {
    const t = build({ customerManagedKey: true, variants: EBS_VARIANTS });
    t.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    t.hasResourceProperties('AWS::SageMaker::EndpointConfig', { KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SageMakerStorageKey'), 'Arn'] } });
  });

  test('the storage key allows grants only for AWS resources', () => {
    build({ customerManagedKey: true, variants: EBS_VARIANTS }).hasResourceProperties('AWS::KMS::Key', { KeyPolicy: { Statement: Match.arrayWith([DENY_NON_AWS_GRANTS]) } });
  });

  test('the model is outside a VPC by default', () => {
    template.hasResourceProperties('AWS::SageMaker::Model', { VpcConfig: Match.absent() });
  });

  test('with a vpc the model sits in its private subnets and the role may manage network interfaces', () => {
    const t = build({}, true);
    t.hasResourceProperties('AWS::SageMaker::Model', {
      VpcConfig: { Subnets: [{ Ref: Match.stringLikeRegexp('^VpcPrivateSubnet1') }, { Ref: Match.stringLikeRegexp('^VpcPrivateSubnet2') }], SecurityGroupIds: Match.anyValue() },
    });
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith(['ec2:CreateNetworkInterface']), Resource: '*' })]) },
    });
  });

  test.each([
    [{ variants: [{ ...VARIANTS[0], initialVariantWeight: 0 }] }, /variants\[0\]\.initialVariantWeight \(0\) must be > 0/],
    [{ minCapacity: 3, maxCapacity: 2 }, /maxCapacity \(2\) must be >= minCapacity \(3\)/],
    [{ variants: [{ ...VARIANTS[0], instanceType: 'g5.xlarge' }] }, /variants\[0\]\.instanceType \("g5\.xlarge"\) must be a SageMaker instance type starting with "ml\."/],
    [{ variants: [{ ...VARIANTS[0], instanceType: 'ml.t2.medium' }] }, /variants\[0\]\.instanceType \("ml\.t2\.medium"\) is burstable and cannot autoscale/],
    [{ variants: [] }, /variants is empty: list at least one value/],
    [{ variants: [VARIANTS[0], VARIANTS[0]] }, /variants has the name "primary" twice/],
    [{ variants: [{ ...VARIANTS[0], name: 'a_b' }] }, /variants\[0\]\.name \("a_b"\) must be 1-63 letters, digits and hyphens/],
    [{ variants: [{ ...VARIANTS[0], initialInstanceCount: 7 }] }, /variants\[0\]\.initialInstanceCount \(7\) must be between 1 and 6/],
    [{ safetyFactor: 1.5 }, /safetyFactor \(1\.5\) must be > 0 and <= 1/],
    [{ maxRequestsPerSecond: 0 }, /maxRequestsPerSecond \(0\) must be > 0/],
    [{ minCapacity: 0 }, /minCapacity \(0\) must be a whole number >= 1/],
    [{ variants: [{ ...VARIANTS[0], initialInstanceCount: 1.5 }] }, /variants\[0\]\.initialInstanceCount \(1\.5\) must be a whole number >= 1/],
  ] as Array<[Partial<SageMakerEndpointProps>, RegExp]>)('rejects %o', (props, message) => {
    expect(() => build(props)).toThrow(message);
  });

  test('names the variant, its type and the fix when a customer managed key meets local NVMe storage', () => {
    expect(() => build({ customerManagedKey: true, variants: [EBS_VARIANTS[0], VARIANTS[1]] })).toThrow(
      'customerManagedKey (true) cannot be used with variants[1].instanceType ("ml.g5.xlarge"): its storage is local NVMe, encrypted by the instance\'s hardware, '
      + 'and CreateEndpointConfig fails when a KmsKeyId is given for it; set customerManagedKey to false, or use a type whose storage is EBS, e.g. "ml.m5.xlarge"',
    );
  });

  test('without a customer managed key, NVMe variants synthesize', () => {
    expect(() => build({ customerManagedKey: false })).not.toThrow();
  });

  test('rejects an image outside ECR', () => {
    const model = { name: 'sentiment', version: '1.0.0', image: InferenceImage.fromRegistry('docker.io/acme/serving:1.0.0') };
    expect(() => build({ model })).toThrow(/model.image \(docker.io\/acme\/serving:1.0.0\) must be an ECR image for SageMaker/);
  });
});

describe('SageMakerExecutionRole', () => {
  const template = build();
  const role = Object.entries(template.findResources('AWS::IAM::Role')).find(([id]) => /^ExecutionRole[0-9A-F]{8}$/.test(id))?.[1];
  const statements: Array<{ Action: string | string[]; Resource: unknown }> = Object.values(
    template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^ExecutionRole[0-9A-F]{8}$') }] } }),
  )[0].Properties.PolicyDocument.Statement;
  const statementOn = (prefix: string) => statements.filter((s) => JSON.stringify(s.Resource).includes(`"/${prefix}*"`));

  test('is assumed by SageMaker and has no managed policy (no AmazonSageMakerFullAccess)', () => {
    expect(role?.Properties.AssumeRolePolicyDocument.Statement[0].Principal).toEqual({ Service: 'sagemaker.amazonaws.com' });
    expect(role?.Properties.ManagedPolicyArns).toBeUndefined();
    expect(JSON.stringify(template.toJSON())).not.toContain('AmazonSageMakerFullAccess');
  });

  test('reads the served model archive only, by its exact key', () => {
    expect(statementOn('models/')).toEqual([]);
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^BucketsArtifacts/), 'Arn'] }, '/models/sentiment/1.0.0/model.tar.gz']] },
    });
  });

  test('reads datasets/ and writes checkpoints/ and training-output/', () => {
    expect(statementOn('datasets/').map((s) => s.Action)).toEqual([['s3:GetObject*', 's3:GetBucket*', 's3:List*']]);
    expect(statementOn('checkpoints/')[0].Action).toEqual(expect.arrayContaining(['s3:PutObject']));
    expect(statementOn('training-output/')[0].Action).toEqual(expect.arrayContaining(['s3:PutObject']));
  });

  test('pulls from the one repository', () => {
    expect(statements).toContainEqual(
      expect.objectContaining({
        Action: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
        Resource: { 'Fn::Join': ['', expect.arrayContaining([':repository/ai-infra/serving'])] },
      }),
    );
  });

  test('ecr:GetAuthorizationToken is the only action on *', () => {
    expect(statements.filter((s) => s.Resource === '*').map((s) => s.Action)).toEqual(['ecr:GetAuthorizationToken']);
  });

  test('the model does not grant itself the whole artifact bucket', () => {
    const bucketWide = statements.filter((s) => JSON.stringify(s.Resource).match(/"\/\*"/));
    expect(bucketWide).toEqual([]);
  });
});
