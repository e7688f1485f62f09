export * from './config';
export * from './gpu/gpu-instance-types';
export * from './validation';
export * from './stacks/ai-infra-stage';
export * from './stacks/ai-inference-stack';
export * from './stacks/training-stack';
export * from './constructs/inference/inference-runtime';
