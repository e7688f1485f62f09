import { InferenceImage } from '../inference/inference-image';

/**
 * The AWS Deep Learning Container repository of PyTorch training images. Its tags and the
 * registry account of each region are listed in the aws/deep-learning-containers repository's
 * available_images.md (https://github.com/aws/deep-learning-containers/blob/master/available_images.md);
 * `InferenceImage.fromDeepLearningContainer` resolves the registry per region at deploy time.
 */
export const DLC_TRAINING_REPOSITORY = 'pytorch-training';

/**
 * PyTorch 2.6 on CUDA 12.6 for EC2 (the `-ec2` variant, "tested on EC2, ECS and EKS"), the same
 * PyTorch as the serving image. The DLCs build in EFA and the aws-ofi-nccl plugin, so NCCL runs
 * over EFA on instances that have it; CUDA 12.6 runs on the driver of the Deep Learning Base OSS
 * Nvidia Driver AMI, which ships docker and the NVIDIA container toolkit and supports G4dn, G5,
 * G6, P4d, P5 and later, not P3's Volta (release notes:
 * https://docs.aws.amazon.com/dlami/latest/devguide/aws-deep-learning-ami-gpubaseoss-al2023-2026-09-04.html).
 */
export const DLC_TRAINING_TAG_EC2 = '2.6.0-gpu-py312-cu126-ubuntu22.04-ec2';

/**
 * The same image built for SageMaker (the `-sagemaker` variant, with the SageMaker training
 * toolkit). PyTorch's CUDA 12.6 builds still include Volta (7.0) where its 12.8+ builds drop it
 * (https://github.com/pytorch/pytorch/blob/main/RELEASE.md#pytorch-cuda-support-matrix), so it
 * also runs on ml.p3 (V100) instances, which SageMaker still offers for training.
 */
export const DLC_TRAINING_TAG_SAGEMAKER = '2.6.0-gpu-py312-cu126-ubuntu22.04-sagemaker';

/** The default image of training runs on the cluster and the spot fleet. */
export function defaultEc2TrainingImage(): InferenceImage {
  return InferenceImage.fromDeepLearningContainer(DLC_TRAINING_REPOSITORY, DLC_TRAINING_TAG_EC2);
}

/** The default image of SageMaker training jobs. */
export function defaultSageMakerTrainingImage(): InferenceImage {
  return InferenceImage.fromDeepLearningContainer(DLC_TRAINING_REPOSITORY, DLC_TRAINING_TAG_SAGEMAKER);
}
