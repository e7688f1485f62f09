import { Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { controlTowerAcknowledgementId } from './control-tower-checks';
import { controlTowerControl } from './control-tower-controls';

/** When an exemption holds: the condition in words, and whether the declaring construct's props meet it. */
export interface ExemptionCondition {
  /**
   * The condition in words, naming the props it reads and no environment (docs list where it
   * holds by reading the environments), e.g. "log retention under one year".
   */
  readonly description: string;
  /** Whether the construct's props meet the condition. */
  readonly holds: boolean;
}

/** One Control Tower control a construct's resource does not meet, and why. */
export interface ControlTowerExemption {
  /** The control, e.g. `CT.S3.PR.2`. */
  readonly control: string;
  /** Why the control does not fit the resource, naming no environment. */
  readonly reason: string;
  /**
   * When the resource needs the exemption.
   * @default - always: every instance of the construct needs it
   */
  readonly condition?: ExemptionCondition;
}

/** An exemption as a construct declared it, read back from the construct tree. */
export interface DeclaredExemption {
  /** The control, e.g. `CT.S3.PR.2`. */
  readonly control: string;
  readonly reason: string;
  /**
   * The condition in words.
   * @default - none: the exemption always holds
   */
  readonly condition?: string;
  /** Whether it holds, i.e. whether the construct acknowledged the control's findings. */
  readonly holds: boolean;
  /** Class name of the construct that declared it, e.g. `GpuFleet`. */
  readonly declaredBy: string;
}

/** Type of the construct metadata entry that records a declaration, held or not. */
export const CONTROL_TOWER_EXEMPTION_METADATA_KEY = 'ai-infra:control-tower-exemption';

/**
 * Declares, for `owner`, that `resource` (and what lies below it) does not meet a Control Tower
 * control. Where the exemption holds, the control's findings below `resource` are acknowledged
 * with CDK's `Validations.of(resource).acknowledge()`, which aws-cdk-lib applies to any
 * policy-validation plugin by construct path: every instance of the construct, anywhere in the
 * app, exempts its own resource and nothing else. The bundled Control Tower rules do not honour
 * `Metadata.guard.SuppressedRules` (docs/compliance.md). Held or not, the declaration is
 * recorded on `resource` for docs/compliance.md and the compliance report.
 */
export function exemptFromControlTower(owner: IConstruct, resource: IConstruct, exemption: ControlTowerExemption): void {
  const control = controlTowerControl(exemption.control);
  const holds = exemption.condition?.holds ?? true;
  const declared: DeclaredExemption = {
    control: control.id,
    reason: exemption.reason,
    condition: exemption.condition?.description,
    holds,
    declaredBy: owner.constructor.name,
  };
  resource.node.addMetadata(CONTROL_TOWER_EXEMPTION_METADATA_KEY, declared);
  if (holds) {
    Validations.of(resource).acknowledge({ id: controlTowerAcknowledgementId(control), reason: exemption.reason });
  }
}

/** The exemptions declared on `construct` itself (not below it), in declaration order. */
export function declaredExemptionsOn(construct: IConstruct): DeclaredExemption[] {
  return construct.node.metadata
    .filter((entry) => entry.type === CONTROL_TOWER_EXEMPTION_METADATA_KEY)
    .map((entry) => entry.data as DeclaredExemption);
}
