import * as fs from 'fs';
import * as path from 'path';
import { CONTROL_TOWER_VALIDATOR_VERSION, controlTowerControls } from './control-tower-controls';

/** A tool or rule set a compliance report rests on, with the version installed. */
export interface ToolVersion {
  readonly name: string;
  readonly version: string;
  /** What it does for the report. */
  readonly role: string;
}

function installedVersion(packageName: string, file = 'package.json'): string {
  const json = path.join(path.dirname(require.resolve(`${packageName}/package.json`)), file);
  return (JSON.parse(fs.readFileSync(json, 'utf8')) as { version: string }).version;
}

/**
 * The installed versions of what checks the app: aws-cdk-lib (synthesis and its policy
 * validation), cdk-nag (the AwsSolutions rules; the CostTagging and GpuCost rules are this
 * repository's, at the report's commit), the Control Tower rules as
 * `@cdklabs/cdk-validator-cfnguard` bundles them and the cfn-guard binary it ships, and Node.js.
 */
export function toolVersions(): ToolVersion[] {
  return [
    { name: 'aws-cdk-lib', version: installedVersion('aws-cdk-lib'), role: 'synthesizes the templates and runs every validation plugin' },
    { name: 'cdk-nag', version: installedVersion('cdk-nag'), role: 'AwsSolutions rules; runs the CostTagging and GpuCost packs, whose rules are this repository\'s at the commit above' },
    {
      name: '@cdklabs/cdk-validator-cfnguard',
      version: CONTROL_TOWER_VALIDATOR_VERSION,
      role: `the AWS Control Tower proactive controls' Guard rules (${controlTowerControls().length} controls)`,
    },
    { name: 'cfn-guard', version: installedVersion('@cdklabs/cdk-validator-cfnguard', 'guard-version.json'), role: 'evaluates the Guard rules (the binary the validator ships)' },
    { name: 'Node.js', version: process.versions.node, role: 'runs the synthesis' },
  ];
}
