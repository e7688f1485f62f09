import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { controlTowerControls } from '../../lib/compliance/control-tower-controls';
import { toolVersions } from '../../lib/compliance/tool-versions';

const installed = (file: string): string => (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
const versions = Object.fromEntries(toolVersions().map((t) => [t.name, t]));

describe('toolVersions', () => {
  test.each(['aws-cdk-lib', 'cdk-nag', '@cdklabs/cdk-validator-cfnguard'])('gives the installed %s', (name) => {
    expect(versions[name].version).toBe(installed(require.resolve(`${name}/package.json`)));
  });

  test('gives the cfn-guard binary the validator ships', () => {
    expect(versions['cfn-guard'].version).toBe(installed(join(dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json')), 'guard-version.json')));
  });

  test('says how many Control Tower controls the rules hold', () => {
    expect(versions['@cdklabs/cdk-validator-cfnguard'].role).toContain(`(${controlTowerControls().length} controls)`);
  });

  test('gives the Node.js that runs the synthesis', () => {
    expect(versions['Node.js'].version).toBe(process.versions.node);
  });
});
