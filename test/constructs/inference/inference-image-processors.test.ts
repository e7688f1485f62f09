import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ImageProcessor } from '../../../lib/gpu/accelerated-instance-types';
import { InferenceImage, checkImageRunsOn } from '../../../lib/constructs/inference/inference-image';

const GPU_TAG = '2.6.0-gpu-py312-cu124-ubuntu22.04-sagemaker';
const CPU_TAG = '2.6.0-cpu-py312-ubuntu22.04-sagemaker';
const BOTH = InferenceImage.fromDeepLearningContainer('pytorch-inference', { gpu: GPU_TAG, cpu: CPU_TAG });
const GPU_ONLY = InferenceImage.fromDeepLearningContainer('pytorch-inference', GPU_TAG);

/**
 * Tags from AWS's list of Deep Learning Containers (available_images.md,
 * https://github.com/aws/deep-learning-containers/blob/master/available_images.md) with the
 * CPU/GPU/accelerator column of their row.
 */
const AVAILABLE_IMAGES: Array<[string, string, ImageProcessor]> = [
  ['pytorch-inference', '2.6.0-cpu-py312-ubuntu22.04-sagemaker', 'cpu'],
  ['pytorch-inference', '2.6.0-gpu-py312-cu124-ubuntu22.04-sagemaker', 'gpu'],
  ['tensorflow-inference', '2.19.0-cpu-py312-ubuntu22.04-sagemaker', 'cpu'],
  ['tensorflow-inference', '2.19.0-gpu-py312-cu122-ubuntu22.04-sagemaker', 'gpu'],
  ['djl-inference', '0.33.0-lmi15.0.0-cu128', 'gpu'],
  ['djl-inference', '0.29.0-cpu-full', 'cpu'],
  ['djl-inference', '0.30.0-neuronx-sdk2.20.1', 'other'],
];

describe('a Deep Learning Container tag', () => {
  test.each(AVAILABLE_IMAGES)('%s:%s is the build for %s instance types only', (repository, tag, processor) => {
    const image = InferenceImage.fromDeepLearningContainer(repository, tag);
    const builds = (['gpu', 'cpu', 'other'] as const).filter((p) => image.buildFor(p) !== undefined);
    expect(builds).toEqual([processor]);
  });
});

describe('a Deep Learning Container with a GPU and a CPU tag', () => {
  test('runs the GPU tag on NVIDIA GPU types and the CPU tag on types without accelerators', () => {
    expect([BOTH.buildFor('gpu'), BOTH.buildFor('cpu'), BOTH.buildFor('other')]).toEqual([
      `AWS Deep Learning Container pytorch-inference:${GPU_TAG}`, `AWS Deep Learning Container pytorch-inference:${CPU_TAG}`, undefined,
    ]);
  });

  test('binds each build in one scope, pulling from one repository', () => {
    const stack = new Stack(new App(), 'Test');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    const uris = (['gpu', 'cpu'] as const).map((processor) => JSON.stringify(stack.resolve(BOTH.bind(stack, role, processor).imageUri)));
    expect(uris[0]).toContain(`/pytorch-inference:${GPU_TAG}`);
    expect(uris[1]).toContain(`/pytorch-inference:${CPU_TAG}`);
    expect(stack.node.findAll().filter((c) => c.node.id === 'DeepLearningContainerRepository')).toHaveLength(1);
  });

  test('problem() accepts both tags', () => {
    expect(BOTH.problem('image')).toBeUndefined();
  });

  test('problem() rejects a CPU tag given as the GPU tag', () => {
    expect(InferenceImage.fromDeepLearningContainer('pytorch-inference', { gpu: CPU_TAG }).problem('image')).toBe(
      `image.gpu ("${CPU_TAG}") must be a tag of the NVIDIA GPU (CUDA) build, with "-gpu-" in it (https://github.com/aws/deep-learning-containers/blob/master/available_images.md)`,
    );
  });

  test('problem() rejects a GPU tag given as the CPU tag', () => {
    expect(InferenceImage.fromDeepLearningContainer('pytorch-inference', { cpu: GPU_TAG }).problem('image')).toMatch(/^image\.cpu \("2\.6\.0-gpu-.*"\) must be a tag of the CPU build/);
  });

  test('problem() rejects no tag at all', () => {
    expect(InferenceImage.fromDeepLearningContainer('pytorch-inference', {}).problem('image')).toMatch(/^image \(AWS Deep Learning Container pytorch-inference \(no tag\)\) must give a gpu or a cpu tag, or both/);
  });
});

describe('checkImageRunsOn', () => {
  test('rejects a GPU-only image on a CPU SageMaker type, naming both fields and the fix', () => {
    expect(checkImageRunsOn('model.image', GPU_ONLY, 'variants[0].instanceType', 'ml.m5.large')).toBe(
      `model.image (AWS Deep Learning Container pytorch-inference:${GPU_TAG}) has no CPU build for variants[0].instanceType ("ml.m5.large"): `
      + `give the image a cpu tag, e.g. InferenceImage.fromDeepLearningContainer('pytorch-inference', { gpu: '${GPU_TAG}', cpu: '${CPU_TAG}' }) `
      + '(tags: https://github.com/aws/deep-learning-containers/blob/master/available_images.md)',
    );
  });

  test('rejects a CPU-only image on a GPU type', () => {
    const cpuOnly = InferenceImage.fromDeepLearningContainer('pytorch-inference', CPU_TAG);
    expect(checkImageRunsOn('image', cpuOnly, 'instanceType', 'ml.g5.xlarge')).toMatch(/has no NVIDIA GPU \(CUDA\) build for instanceType \("ml\.g5\.xlarge"\)/);
  });

  test('rejects a CUDA or CPU image on Inferentia', () => {
    expect(checkImageRunsOn('image', BOTH, 'instanceType', 'ml.inf2.xlarge')).toMatch(
      /has no Inferentia, Trainium or Gaudi build for instanceType \("ml\.inf2\.xlarge"\): serve it with an image built for that accelerator/,
    );
  });

  test.each(['ml.m5.large', 'ml.g5.xlarge', 'g6.xlarge'])('accepts an image with both tags on %s', (type) => {
    expect(checkImageRunsOn('image', BOTH, 'instanceType', type)).toBeUndefined();
  });

  test('accepts an image of your own on any type: it is one build', () => {
    expect(checkImageRunsOn('image', InferenceImage.fromRegistry('public.ecr.aws/acme/serving:1'), 'instanceType', 'ml.inf2.xlarge')).toBeUndefined();
  });
});
