import { SpawnSyncReturns, execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as semver from 'semver';
import { ROOT, readManifest } from '../helpers/package-manifest';

/** The versions of the peer dependencies a fresh app installs: the lowest its ranges allow. */
export function peerFloors(): Record<string, string> {
  return Object.fromEntries(Object.entries(readManifest().peerDependencies).map(([name, range]) => {
    const floor = semver.minVersion(range);
    if (!floor) throw new Error(`peerDependencies.${name} (${range}) has no lowest version`);
    return [name, floor.version];
  }));
}

/** A CDK app in a temporary directory with the packed package installed, as a consumer has it. */
export interface FreshApp {
  /** The app's directory. */
  readonly dir: string;
  /** The tarball's file name, e.g. `ai-infra-0.1.0.tgz`. */
  readonly tarball: string;
  /** Runs a command in the app's directory and returns what it printed and its status. */
  run(command: string, args: readonly string[]): SpawnSyncReturns<string>;
}

/** A command of this repository's node_modules/.bin: the TypeScript compiler, the CDK CLI, tsx. */
export const bin = (name: string): string => join(ROOT, 'node_modules', '.bin', name);

/**
 * Packs the current build (`npm run test:package` builds first), then lays out a CDK app as
 * `cdk init app --language typescript` does, with the tsconfig.json of the aws-cdk CLI's own
 * template, the sources of test/package/consumer-app, and the tarball plus aws-cdk-lib and
 * constructs at the lowest versions of the package's peer ranges as its dependencies; and runs
 * `npm install`, from the npm cache where it holds the packages (`--prefer-offline`), else from
 * the registry.
 */
export function installIntoFreshApp(): FreshApp {
  const dir = mkdtempSync(join(tmpdir(), 'ai-infra-consumer-'));
  const [{ filename: tarball }] = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8' })) as Array<{ readonly filename: string }>;
  const manifest = readManifest();
  writeFileSync(join(dir, 'package.json'), JSON.stringify({
    name: 'consumer',
    version: '0.1.0',
    private: true,
    dependencies: { [manifest.name]: `file:./${tarball}`, ...peerFloors() },
    devDependencies: { '@types/node': manifest.devDependencies['@types/node'] },
  }, undefined, 2));
  const template = join(ROOT, 'node_modules', 'aws-cdk', 'lib', 'init-templates', 'app', 'typescript');
  const tsconfig = JSON.parse(readFileSync(join(template, 'tsconfig.json'), 'utf8')) as { compilerOptions: Record<string, unknown> };
  // The template's tests use jest; this app has none.
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ ...tsconfig, compilerOptions: { ...tsconfig.compilerOptions, types: ['node'] } }, undefined, 2));
  writeFileSync(join(dir, 'cdk.json'), JSON.stringify({ app: `${bin('tsx')} bin/consumer.ts` }));
  cpSync(join(__dirname, 'consumer-app'), dir, { recursive: true });
  const run = (command: string, args: readonly string[]): SpawnSyncReturns<string> =>
    spawnSync(command, [...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1' } });
  const install = run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund']);
  if (install.status !== 0) throw new Error(`npm install in ${dir} failed:\n${install.stderr}`);
  return { dir, tarball, run };
}
