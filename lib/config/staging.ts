import { baseConfig } from './base';
import { defineEnvironment } from './define-environment';

/** Staging: the base config: prod's shape at a smaller size, still off at night. */
export const staging = defineEnvironment(baseConfig, 'staging', {
  tags: { costCenter: 'ml-staging-1002' },
  // On, as in prod: a platform change (Kubernetes version, Kubeflow Pipelines release) is deployed here first.
  mlPlatform: { enabled: true },
});
