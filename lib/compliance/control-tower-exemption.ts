import { EnvironmentConfig } from '../config';

/** Where an exemption holds, when not in every environment: a test on the config and its wording for the docs. */
export interface ExemptionCondition {
  /** The condition in words, for docs/compliance.md and the report, e.g. "logRetention under one year". */
  readonly description: string;
  /** Whether the exemption holds in the environment. */
  readonly appliesTo: (config: EnvironmentConfig) => boolean;
}

/** One Control Tower control not met by one construct, and why. */
export interface ControlTowerExemption {
  /** The control, e.g. `CT.S3.PR.2`. */
  readonly control: string;
  /** Path of the construct inside the environment's stage, e.g. `AiInference/AccessLogs/Bucket`: its resources only. */
  readonly constructPath: string;
  /** Why the control does not fit this resource; the same words stand in docs/compliance.md. */
  readonly reason: string;
  /**
   * The environments where the exemption holds.
   * @default - every environment
   */
  readonly when?: ExemptionCondition;
}
