import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, posix } from 'node:path';
import * as semver from 'semver';
import { PackedFile, ROOT, exportTargets, packedFiles, readManifest } from '../helpers/package-manifest';

/**
 * package.json and the tarball `npm pack` makes from the current build, checked without
 * installing it (test/package/ installs it into a fresh CDK app: `npm run test:package`).
 */
const manifest = readManifest();
let packed: PackedFile[];
let paths: Set<string>;

beforeAll(() => {
  packed = packedFiles();
  paths = new Set(packed.map((file) => file.path));
});

/** Every module specifier a compiled file passes to require() or require.resolve(). */
function requiredSpecifiers(path: string): string[] {
  const source = readFileSync(join(ROOT, path), 'utf8');
  return [...source.matchAll(/\brequire(?:\.resolve)?\((['"])([^'"]+)\1\)/g)].map((match) => match[2]);
}

/** The package a bare specifier names: `@aws-sdk/client-s3` for `@aws-sdk/client-s3/dist/x`. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/**
 * The Lambda handlers NodejsFunction bundles: for a Node.js 18+ runtime it leaves `@aws-sdk/*`
 * out of the bundle (aws-cdk-lib/aws-lambda-nodejs README, "Externals") and the function uses the
 * SDK v3 the runtime includes (https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html),
 * so a consumer installs no SDK client for them. The inference agent runs on EC2 and bundles its SDK.
 */
const isLambdaHandler = (path: string): boolean => ['dist/lib/runtime/idle-shutdown/', 'dist/lib/runtime/model-package/'].some((dir) => path.startsWith(dir));

const normalize = (path: string): string => posix.normalize(path.replace(/^\.\//, ''));

describe('package.json', () => {
  test('is publishable: not private', () => {
    expect(manifest.private).toBeUndefined();
  });

  test('declares Apache-2.0, and LICENSE is the Apache License 2.0 text of apache.org (its SHA-256)', () => {
    // https://www.apache.org/licenses/LICENSE-2.0.txt, unchanged, so that tools recognise it.
    expect(manifest.license).toBe('Apache-2.0');
    const digest = createHash('sha256').update(readFileSync(join(ROOT, 'LICENSE'))).digest('hex');
    expect(digest).toBe('cfc7749b96f63bd31c3c42b5c471bf756814053e847c10f3eb003417bc523d30');
  });

  test('exports the library with its declarations first, as conditions match in order', () => {
    // "types ... should always be included first": https://nodejs.org/api/packages.html#community-conditions-definitions
    expect(manifest.exports['.']).toEqual({ types: `./${manifest.types}`, default: `./${manifest.main}` });
    expect(Object.keys(manifest.exports['.'])[0]).toBe('types');
  });

  // As CDK construct libraries declare them, so that the app and every library in it share one
  // aws-cdk-lib: aws-cdk's own modules (peerDependencies "aws-cdk-lib": "^<release>",
  // "constructs": "^10.5.0", both also devDependencies, engines "node": ">= 20.0.0":
  // https://github.com/aws/aws-cdk/blob/main/packages/%40aws-cdk/aws-sagemaker-alpha/package.json)
  // and cdk-nag (projen's cdkVersion: peer "^2.257.0", devDependency "2.257.0":
  // https://github.com/cdklabs/cdk-nag/blob/main/.projenrc.ts and its published package.json).
  // The floor, 2.269.0, is the first aws-cdk-lib whose Validations.acknowledge() takes cdk-nag
  // finding ids holding an ARN ("AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:...]",
  // https://github.com/aws/aws-cdk/pull/38787, https://github.com/cdklabs/cdk-nag/issues/2351),
  // as the constructs acknowledge them: 2.268.0 throws InvalidValidationId at synth.
  // test/package/ installs the package with the floor and synthesizes an app.
  test('takes aws-cdk-lib and constructs as peer dependencies whose ranges hold the versions this repository builds with', () => {
    for (const name of ['aws-cdk-lib', 'constructs']) {
      expect(manifest.dependencies[name]).toBeUndefined();
      expect(semver.satisfies(manifest.devDependencies[name], manifest.peerDependencies[name])).toBe(true);
    }
  });

  test.each(['aws-cdk-lib', 'constructs'])('the lowest %s of the peer range satisfies every dependency that takes it as a peer', (peer) => {
    const floor = semver.minVersion(manifest.peerDependencies[peer])?.version;
    const unsatisfied = Object.keys(manifest.dependencies).flatMap((name) => {
      const dependency = JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { peerDependencies?: Record<string, string> };
      const range = dependency.peerDependencies?.[peer];
      return range && !semver.satisfies(floor ?? '', range) ? [`${name} wants ${peer} ${range}`] : [];
    });
    expect(unsatisfied).toEqual([]);
  });

  test('supports the Node.js versions its runtime dependencies support', () => {
    const floor = semver.minVersion(manifest.engines.node)?.version ?? '';
    for (const name of ['aws-cdk-lib', '@aws-sdk/client-s3']) {
      const dependency = JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { engines: { node: string } };
      expect(semver.satisfies(floor, dependency.engines.node)).toBe(true);
    }
  });
});

describe('the packed tarball', () => {
  test('holds every file package.json points at: main, types, each export and each bin', () => {
    const targets = [manifest.main, manifest.types, ...exportTargets(manifest), ...Object.values(manifest.bin)].map(normalize);
    expect(targets.filter((target) => !paths.has(target))).toEqual([]);
  });

  test('holds the license, the notice, the readme and the job contract\'s published schemas', () => {
    expect([...paths]).toEqual(expect.arrayContaining(['LICENSE', 'NOTICE', 'README.md', 'package.json', 'schemas/job-envelope.schema.json', 'schemas/job-notification.schema.json']));
  });

  test('holds compiled JavaScript, the library declarations, the runtime files and the job contract\'s schemas and example, no TypeScript sources or tests', () => {
    const unexpected = [...paths].filter((path) => !['LICENSE', 'NOTICE', 'README.md', 'package.json'].includes(path)
      && !/^dist\/.*\.js$/.test(path)
      && !/^dist\/lib\/.*\.d\.ts$/.test(path)
      && !/^dist\/lib\/.*\.(sh|json|md)$/.test(path)
      && !/^schemas\/[\w-]+\.schema\.json$/.test(path)
      && !/^examples\/python\/\w+\.py$/.test(path));
    expect(unexpected).toEqual([]);
  });

  test('every bin runs with node: a #!/usr/bin/env node line first', () => {
    for (const bin of Object.values(manifest.bin)) {
      expect(readFileSync(join(ROOT, bin), 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
    }
  });

  test('every relative require of a packed module resolves to a packed file', () => {
    const missing = packed.filter((file) => file.path.endsWith('.js')).flatMap((file) => requiredSpecifiers(file.path)
      .filter((specifier) => specifier.startsWith('.'))
      .map((specifier) => posix.join(dirname(file.path), specifier))
      .filter((target) => ![target, `${target}.js`, `${target}.json`, `${target}/index.js`].some((candidate) => paths.has(candidate)))
      .map((target) => `${file.path} -> ${target}`));
    expect(missing).toEqual([]);
  });

  test('every package a packed module requires is a dependency or a peer dependency, never a dev one only', () => {
    const declared = new Set([...Object.keys(manifest.dependencies), ...Object.keys(manifest.peerDependencies)]);
    const undeclared = packed.filter((file) => file.path.endsWith('.js')).flatMap((file) => requiredSpecifiers(file.path)
      .filter((specifier) => !specifier.startsWith('.') && !specifier.startsWith('node:') && !builtinModules.includes(specifier))
      .filter((specifier) => !(isLambdaHandler(file.path) && specifier.startsWith('@aws-sdk/')))
      .map(packageOf)
      .filter((name) => !declared.has(name))
      .map((name) => `${file.path} requires ${name}`));
    expect(undeclared).toEqual([]);
  });
});
