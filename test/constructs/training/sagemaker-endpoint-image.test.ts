import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { InferenceImage } from '../../../lib/constructs/inference/inference-image';
import { SageMakerEndpoint, SageMakerVariant } from '../../../lib/constructs/training/sagemaker-endpoint';
import { SageMakerExecutionRole } from '../../../lib/constructs/training/sagemaker-execution-role';
import { bareStack } from './fixtures';

// Which build of the image each variant runs: the tag of its instance type's processor
// (https://github.com/aws/deep-learning-containers/blob/master/available_images.md lists a CPU and a GPU tag per release).
const GPU_TAG = '2.6.0-gpu-py312-cu124-ubuntu22.04-sagemaker';
const CPU_TAG = '2.6.0-cpu-py312-ubuntu22.04-sagemaker';
const BOTH_TAGS = InferenceImage.fromDeepLearningContainer('pytorch-inference', { gpu: GPU_TAG, cpu: CPU_TAG });
const variant = (name: string, instanceType: string): SageMakerVariant => ({ name, instanceType, initialInstanceCount: 1, initialVariantWeight: 1 });

function build(variants: SageMakerVariant[], image: InferenceImage = BOTH_TAGS): { template: Template; endpoint: SageMakerEndpoint } {
  const { stack, buckets } = bareStack();
  const { role } = new SageMakerExecutionRole(stack, 'ExecutionRole', {
    artifactBucket: buckets.artifactBucket,
    datasetBucket: buckets.datasetBucket,
    checkpointBucket: buckets.checkpointBucket,
    repository: ecr.Repository.fromRepositoryName(stack, 'Repository', 'ai-infra/serving'),
  });
  const endpoint = new SageMakerEndpoint(stack, 'SageMaker', {
    role,
    modelBucket: buckets.artifactBucket,
    model: { name: 'sentiment', version: '1.0.0', image, gpuMemoryFraction: 0.6, environment: { MAX_BATCH_SIZE: '8' } },
    variants,
    minCapacity: 1,
    maxCapacity: 2,
    maxRequestsPerSecond: 20,
  });
  return { template: Template.fromStack(stack), endpoint };
}

const imageOf = (template: Template) => Object.values(template.findResources('AWS::SageMaker::Model'))
  .map((model) => JSON.stringify(model.Properties.PrimaryContainer.Image));

describe('SageMakerEndpoint on a CPU instance type', () => {
  const { template } = build([variant('primary', 'ml.m5.large')]);

  test('runs the CPU tag of the Deep Learning Container', () => {
    const images = imageOf(template);
    expect(images).toHaveLength(1);
    expect(images[0]).toContain(`:${CPU_TAG}`);
  });

  test('passes the runtime\'s GPU_MEMORY_FRACTION and the model\'s environment to the container, as the fleet does', () => {
    template.hasResourceProperties('AWS::SageMaker::Model', {
      PrimaryContainer: { Environment: { GPU_MEMORY_FRACTION: '0.6', MAX_BATCH_SIZE: '8' } },
    });
  });

  test('rejects an image with only a GPU tag, naming the variant and the image', () => {
    expect(() => build([variant('primary', 'ml.m5.large')], InferenceImage.fromDeepLearningContainer('pytorch-inference', GPU_TAG))).toThrow(
      /model\.image \(AWS Deep Learning Container pytorch-inference:2\.6\.0-gpu-.*\) has no CPU build for variants\[0\]\.instanceType \("ml\.m5\.large"\): give the image a cpu tag/,
    );
  });
});

describe('SageMakerEndpoint on a GPU instance type', () => {
  test('runs the GPU tag', () => {
    expect(imageOf(build([variant('primary', 'ml.g5.xlarge')]).template)[0]).toContain(`:${GPU_TAG}`);
  });

  test('rejects an image with only a CPU tag', () => {
    expect(() => build([variant('primary', 'ml.g5.xlarge')], InferenceImage.fromDeepLearningContainer('pytorch-inference', CPU_TAG))).toThrow(
      /has no NVIDIA GPU \(CUDA\) build for variants\[0\]\.instanceType \("ml\.g5\.xlarge"\)/,
    );
  });
});

describe('SageMakerEndpoint with a GPU and a CPU variant', () => {
  const { template, endpoint } = build([variant('primary', 'ml.g5.xlarge'), variant('candidate', 'ml.m5.large'), variant('spare', 'ml.g6.xlarge')]);

  test('has one model per build, each variant on the model of its processor', () => {
    expect(endpoint.models.map((model) => model.node.id)).toEqual(['Model', 'CpuModel']);
    const modelRef = (id: string) => ({ 'Fn::GetAtt': [Match.stringLikeRegexp(`^SageMaker${id}[0-9A-F]{8}$`), 'ModelName'] });
    template.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
      ProductionVariants: [
        Match.objectLike({ VariantName: 'primary', ModelName: modelRef('Model') }),
        Match.objectLike({ VariantName: 'candidate', ModelName: modelRef('CpuModel') }),
        Match.objectLike({ VariantName: 'spare', ModelName: modelRef('Model') }),
      ],
    });
  });

  test('the CPU model runs the CPU tag, the GPU model the GPU tag', () => {
    const images = imageOf(template);
    expect(images.filter((image) => image.includes(GPU_TAG))).toHaveLength(1);
    expect(images.filter((image) => image.includes(CPU_TAG))).toHaveLength(1);
  });
});

test('an image of one build serves mixed variants with one model', () => {
  const repository = InferenceImage.fromRegistry('111111111111.dkr.ecr.eu-west-1.amazonaws.com/serving:1.0.0');
  const { endpoint } = build([variant('primary', 'ml.g5.xlarge'), variant('candidate', 'ml.m5.large')], repository);
  expect(endpoint.models.map((model) => model.node.id)).toEqual(['Model']);
});
