import { baseConfig } from './base';
import { defineEnvironment } from './define-environment';

/** Staging: the base config: prod's shape at a smaller size, still off at night. */
export const staging = defineEnvironment(baseConfig, 'staging', {
  tags: { costCenter: 'ml-staging-1002' },
});
