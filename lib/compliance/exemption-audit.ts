import { EnvironmentConfig } from '../config';
import { controlTowerAcknowledgementId, CONTROL_TOWER_PLUGIN_NAME } from './control-tower-checks';
import { controlTowerControl } from './control-tower-controls';
import { ControlTowerExemption } from './control-tower-exemption';
import { exemptionsFor } from './register-control-tower';
import { ValidationReport } from './validation-report';

/** An exemption that held in an environment, with what it suppressed there. */
export interface AppliedExemption {
  readonly environment: string;
  readonly exemption: ControlTowerExemption;
  /** Paths of the resources whose finding it suppressed: none means the exemption is stale. */
  readonly suppressedPaths: readonly string[];
}

/** For every environment and every exemption that holds there, the findings it suppressed in the report. */
export function auditExemptions(
  report: ValidationReport, configs: readonly EnvironmentConfig[], exemptions?: readonly ControlTowerExemption[],
): AppliedExemption[] {
  const suppressed = report.pluginReports
    .filter((plugin) => plugin.pluginName === CONTROL_TOWER_PLUGIN_NAME)
    .flatMap((plugin) => plugin.suppressedViolations ?? []);
  return configs.flatMap((config) => exemptionsFor(config, exemptions).map((exemption) => {
    const id = controlTowerAcknowledgementId(controlTowerControl(exemption.control));
    const at = `${config.name}/${exemption.constructPath}`;
    return {
      environment: config.name,
      exemption,
      suppressedPaths: suppressed
        .filter((v) => v.acknowledgedId === id && v.acknowledgedAt === at)
        .flatMap((v) => v.violatingConstructs.map((c) => c.constructPath ?? '')),
    };
  }));
}

/** Exemptions that suppressed nothing: the resource now meets the control, or the path moved. */
export function staleExemptions(audit: readonly AppliedExemption[]): string[] {
  return audit.filter((a) => a.suppressedPaths.length === 0).map((a) => `${a.exemption.control} at ${a.environment}/${a.exemption.constructPath}`);
}
