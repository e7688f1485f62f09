import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { readManifest } from '../helpers/package-manifest';
import { FreshApp, bin, installIntoFreshApp, peerFloors } from './fresh-app';

/**
 * The packed tarball installed into a fresh CDK app (fresh-app.ts) with the lowest aws-cdk-lib
 * and constructs its peer ranges allow: what a consumer runs, from the package alone.
 */
const manifest = readManifest();
let app: FreshApp;

beforeAll(() => {
  app = installIntoFreshApp();
});

afterAll(() => {
  if (app) rmSync(app.dir, { recursive: true, force: true });
});

interface Template { readonly Resources: Record<string, { readonly Type: string }> }

test('installs with aws-cdk-lib and constructs at the lowest versions of its peer ranges', () => {
  const installed = Object.keys(peerFloors()).map((name) => [name, (JSON.parse(readFileSync(join(app.dir, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version]);
  expect(Object.fromEntries(installed)).toEqual(peerFloors());
});

test('npm finds every dependency and peer dependency of the tree satisfied', () => {
  const ls = app.run('npm', ['ls', '--all', '--json']);
  expect({ status: ls.status, problems: (JSON.parse(ls.stdout) as { problems?: string[] }).problems ?? [] }).toEqual({ status: 0, problems: [] });
});

test("the app and the package's declarations type-check with the tsconfig of cdk init", () => {
  // skipLibCheck off so that the package's .d.ts files are checked against the installed
  // aws-cdk-lib too; errors inside other packages' declarations are theirs (the template skips them).
  const tsc = app.run(bin('tsc'), ['-p', '.', '--skipLibCheck', 'false', '--pretty', 'false']);
  const errors = tsc.stdout.split('\n').filter((line) => line.includes('error TS'));
  expect(errors.filter((line) => !line.startsWith('node_modules/') || line.startsWith(`node_modules/${manifest.name}/`))).toEqual([]);
});

test('cdk synth synthesizes the InferenceService, its agent bundled from the package, and the GPU cost pack passes it', () => {
  const synth = app.run(bin('cdk'), ['synth', '--quiet', '--no-notices', '--output', 'cdk.out']);
  expect({ status: synth.status, stderr: synth.status === 0 ? '' : synth.stderr }).toEqual({ status: 0, stderr: '' });
  const template = JSON.parse(readFileSync(join(app.dir, 'cdk.out', 'Consumer.template.json'), 'utf8')) as Template;
  const types = Object.values(template.Resources).map((resource) => resource.Type);
  expect(types).toEqual(expect.arrayContaining(['AWS::AutoScaling::AutoScalingGroup', 'AWS::SQS::Queue', 'AWS::EFS::FileSystem']));
  const agent = readdirSync(join(app.dir, 'cdk.out'), { recursive: true, encoding: 'utf8' }).filter((path) => path.endsWith('agent.js'));
  expect(agent).not.toEqual([]);
});

test.each(Object.keys(manifest.bin))('%s answers --help with node alone: usage on stdout, exit 0', (name) => {
  const help = app.run(join(app.dir, 'node_modules', '.bin', name), ['--help']);
  expect({ status: help.status, stderr: help.stderr }).toEqual({ status: 0, stderr: '' });
  expect(help.stdout).toMatch(/usage/i);
});

test('an ES module imports the constructs by name', () => {
  const esm = app.run(process.execPath, ['--input-type=module', '-e', `import { InferenceService } from '${manifest.name}'; console.log(typeof InferenceService);`]);
  expect({ status: esm.status, stdout: esm.stdout.trim() }).toEqual({ status: 0, stdout: 'function' });
});

test('only the exports map is public: a deep import into dist/ is refused', () => {
  const deep = app.run(process.execPath, ['-e', `require('${manifest.name}/${manifest.main}')`]);
  expect(deep.status).not.toBe(0);
  expect(deep.stderr).toMatch(/ERR_PACKAGE_PATH_NOT_EXPORTED/);
});
