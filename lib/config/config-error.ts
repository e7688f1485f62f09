/**
 * What the user wrote for the app is wrong: an unknown `-c env=`, a `-c roles=` that is neither
 * true nor false, an environment whose config breaks a rule. The message says what and the fix;
 * `bin/ai-infra.ts` prints it without a stack trace and exits 1.
 */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}
