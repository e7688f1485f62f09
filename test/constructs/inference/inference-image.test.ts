import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import { DLC_REGISTRY_ACCOUNTS, InferenceImage } from '../../../lib/constructs/inference/inference-image';

const DLC_TAG = '2.6.0-gpu-py312-cu124-ubuntu22.04-sagemaker';

function bindIn(stack: Stack, image: InferenceImage): { template: () => Template; uri: unknown } {
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
  const config = image.bind(stack, role, 'gpu');
  return { template: () => Template.fromStack(stack), uri: stack.resolve(config.imageUri) };
}

const pullStatement = (repositorySuffix: string) => Match.objectLike({
  Action: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
  Resource: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(`${repositorySuffix}$`)])] }),
});

describe('InferenceImage.fromDeepLearningContainer', () => {
  describe('in an environment-agnostic stack', () => {
    const stack = new Stack(new App(), 'Test');
    const { template, uri } = bindIn(stack, InferenceImage.fromDeepLearningContainer('pytorch-inference', DLC_TAG));

    test('renders the registry account per region as a mapping', () => {
      template().hasMapping('DeepLearningContainerRegistry', {
        'us-east-1': { account: '763104351884' },
        'af-south-1': { account: '626614931356' },
      });
      expect(Object.keys(template().findMappings('DeepLearningContainerRegistry').DeepLearningContainerRegistry)).toHaveLength(Object.keys(DLC_REGISTRY_ACCOUNTS).length);
    });

    test('the image URI looks the account up for the deploy region', () => {
      expect(JSON.stringify(uri)).toContain('{"Fn::FindInMap":["DeepLearningContainerRegistry",{"Ref":"AWS::Region"},"account"]}');
      expect(JSON.stringify(uri)).toContain(`/pytorch-inference:${DLC_TAG}`);
    });

    test('grants pull on that repository', () => {
      template().hasResourceProperties('AWS::IAM::Policy', { PolicyDocument: { Statement: Match.arrayWith([pullStatement(':repository/pytorch-inference')]) } });
    });
  });

  test('in a known region, names that region account', () => {
    const stack = new Stack(new App(), 'Test', { env: { account: '111111111111', region: 'ap-east-1' } });
    const { uri } = bindIn(stack, InferenceImage.fromDeepLearningContainer('pytorch-inference', DLC_TAG));
    expect(JSON.stringify(uri)).toContain('871362719292.dkr.ecr.');
  });

  test('throws for an explicit region without a known registry', () => {
    const stack = new Stack(new App(), 'Test', { env: { account: '111111111111', region: 'xx-nowhere-1' } });
    expect(() => bindIn(stack, InferenceImage.fromDeepLearningContainer('pytorch-inference', DLC_TAG))).toThrow(
      /AWS Deep Learning Container pytorch-inference:.* has no known registry in xx-nowhere-1: name the image with InferenceImage.fromRegistry/,
    );
  });

  test('problem() accepts a repository and a tag', () => {
    expect(InferenceImage.fromDeepLearningContainer('pytorch-inference', DLC_TAG).problem('image')).toBeUndefined();
  });

  test('problem() rejects an upper-case repository', () => {
    expect(InferenceImage.fromDeepLearningContainer('PyTorch', DLC_TAG).problem('image')).toMatch(
      /^image \(AWS Deep Learning Container PyTorch:.*\) must name a repository \(lower-case, e\.g\. "pytorch-inference"\) and a tag/,
    );
  });

  test('problem() rejects an empty tag', () => {
    expect(InferenceImage.fromDeepLearningContainer('pytorch-inference', '').problem('image')).toMatch(/must name a repository .* and a tag/);
  });
});

describe('InferenceImage.fromRegistry', () => {
  test.each([
    'public.ecr.aws/my-org/serving:1.0.0',
    '111111111111.dkr.ecr.eu-west-1.amazonaws.com/serving:2',
    `ghcr.io/acme/serving@sha256:${'a'.repeat(64)}`,
    'registry.example.com:5000/team/serving:v1',
  ])('accepts %s', (reference) => {
    expect(InferenceImage.fromRegistry(reference).problem('image')).toBeUndefined();
  });

  test.each([
    ['no tag', 'public.ecr.aws/my-org/serving'],
    ['upper case', 'public.ecr.aws/My-Org/serving:1'],
    ['a short digest', 'ghcr.io/acme/serving@sha256:abc'],
    ['spaces', 'serving :1'],
  ])('rejects a reference with %s', (_what, reference) => {
    expect(InferenceImage.fromRegistry(reference).problem('model.image')).toBe(
      `model.image ("${reference}") must be an image reference with a tag or digest, e.g. "public.ecr.aws/my-org/serving:1.0.0": a bare or malformed reference pulls whatever :latest is`,
    );
  });

  test('a public reference grants nothing and is pulled as given', () => {
    const stack = new Stack(new App(), 'Test');
    const { template, uri } = bindIn(stack, InferenceImage.fromRegistry('public.ecr.aws/my-org/serving:1.0.0'));
    expect(uri).toBe('public.ecr.aws/my-org/serving:1.0.0');
    template().resourceCountIs('AWS::IAM::Policy', 0);
  });

  test('a private ECR reference grants pull on that repository of that account and region', () => {
    const stack = new Stack(new App(), 'Test');
    const { template } = bindIn(stack, InferenceImage.fromRegistry('222222222222.dkr.ecr.eu-west-1.amazonaws.com/team/serving:3'));
    template().hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([pullStatement(':ecr:eu-west-1:222222222222:repository/team/serving')]) },
    });
  });
});

describe('InferenceImage.fromEcrRepository', () => {
  test('grants pull and uses the repository URI with the tag', () => {
    const stack = new Stack(new App(), 'Test');
    const repository = new ecr.Repository(stack, 'Repo');
    const { template, uri } = bindIn(stack, InferenceImage.fromEcrRepository(repository, '1.2.3'));
    expect(JSON.stringify(uri)).toContain(':1.2.3');
    template().hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'] })]) },
    });
  });

  test('problem() rejects a bad tag', () => {
    const stack = new Stack(new App(), 'Test');
    const repository = new ecr.Repository(stack, 'Repo');
    expect(InferenceImage.fromEcrRepository(repository, 'bad tag').problem('image')).toBe('image tag ("bad tag") must be 1-128 letters, digits, _ . or -');
  });
});
