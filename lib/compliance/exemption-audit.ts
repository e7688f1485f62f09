import { IConstruct } from 'constructs';
import { controlTowerAcknowledgementId, CONTROL_TOWER_PLUGIN_NAME } from './control-tower-checks';
import { controlTowerControl } from './control-tower-controls';
import { DeclaredExemption, declaredExemptionsOn } from './control-tower-exemption';
import { ValidationReport } from './validation-report';

/** An exemption that held on one construct, with what it suppressed in the synth. */
export interface AppliedExemption {
  /** Path of the construct it sits on, from the app, e.g. `dev/AiInference/Models/Bucket`. */
  readonly constructPath: string;
  readonly exemption: DeclaredExemption;
  /** Paths of the resources whose finding it suppressed: none means the exemption is stale. */
  readonly suppressedPaths: readonly string[];
}

/**
 * Every exemption that holds below `scope` (an environment's stage, or the app), read from the
 * constructs that declared it, with the Control Tower findings it suppressed in `report`.
 */
export function auditExemptions(report: ValidationReport, scope: IConstruct): AppliedExemption[] {
  const suppressed = report.pluginReports
    .filter((plugin) => plugin.pluginName === CONTROL_TOWER_PLUGIN_NAME)
    .flatMap((plugin) => plugin.suppressedViolations ?? []);
  return scope.node.findAll().flatMap((construct) => declaredExemptionsOn(construct)
    .filter((exemption) => exemption.holds)
    .map((exemption) => {
      const id = controlTowerAcknowledgementId(controlTowerControl(exemption.control));
      return {
        constructPath: construct.node.path,
        exemption,
        suppressedPaths: suppressed
          .filter((v) => v.acknowledgedId === id && v.acknowledgedAt === construct.node.path)
          .flatMap((v) => v.violatingConstructs.map((c) => c.constructPath ?? '')),
      };
    }));
}

/** Exemptions that suppressed nothing: the resource now meets the control. */
export function staleExemptions(audit: readonly AppliedExemption[]): string[] {
  return audit.filter((a) => a.suppressedPaths.length === 0).map((a) => `${a.exemption.control} at ${a.constructPath} (${a.exemption.declaredBy})`);
}
