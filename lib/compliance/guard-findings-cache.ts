import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { PolicyViolationBeta1 } from 'aws-cdk-lib';
import { CONTROL_TOWER_VALIDATOR_VERSION } from './control-tower-controls';

/** Where the findings are cached unless told otherwise: beside the other tools' caches. */
export const DEFAULT_GUARD_CACHE_DIRECTORY = path.join(process.cwd(), 'node_modules', '.cache', 'ai-infra-control-tower');

/**
 * cfn-guard's raw findings for one template, keyed by the template's content and the validator's
 * version (which pins the binary and its rules). A control evaluates one template at a time, so a
 * template that did not change since the last synth has the same findings: cfn-guard's run, the
 * bulk of the Control Tower checks' cost, is skipped for it.
 */
export class GuardFindingsCache {
  constructor(private readonly directory: string) {}

  /** The cached findings of the template at `templatePath`, their resources pointing at it; undefined when not cached. */
  public read(templatePath: string): PolicyViolationBeta1[] | undefined {
    const file = this.fileOf(templatePath);
    if (!fs.existsSync(file)) return undefined;
    const violations = JSON.parse(fs.readFileSync(file, 'utf8')) as PolicyViolationBeta1[];
    return violations.map((violation) => ({
      ...violation,
      violatingResources: violation.violatingResources.map((resource) => ({ ...resource, templatePath })),
    }));
  }

  /** Caches the findings of the template at `templatePath` (those of its resources among `violations`). */
  public write(templatePath: string, violations: readonly PolicyViolationBeta1[]): void {
    const own = violations
      .map((violation) => ({ ...violation, violatingResources: violation.violatingResources.filter((r) => r.templatePath === templatePath) }))
      .filter((violation) => violation.violatingResources.length > 0);
    fs.mkdirSync(this.directory, { recursive: true });
    // Written aside then renamed: parallel synths never read a half-written entry.
    const file = this.fileOf(templatePath);
    const partial = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(partial, JSON.stringify(own));
    fs.renameSync(partial, file);
  }

  private fileOf(templatePath: string): string {
    const key = createHash('sha256').update(CONTROL_TOWER_VALIDATOR_VERSION).update('\0').update(fs.readFileSync(templatePath)).digest('hex');
    return path.join(this.directory, `${key}.json`);
  }
}
