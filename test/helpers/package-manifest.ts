import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The repository's root, where package.json is. */
export const ROOT = join(__dirname, '..', '..');

/** The fields of package.json the package tests read. */
export interface PackageManifest {
  readonly name: string;
  readonly version: string;
  readonly private?: boolean;
  readonly license: string;
  readonly repository?: { readonly type: string; readonly url: string };
  readonly main: string;
  readonly types: string;
  readonly exports: Record<string, string | Record<string, string>>;
  readonly bin: Record<string, string>;
  readonly files: readonly string[];
  readonly engines: Record<string, string>;
  readonly dependencies: Record<string, string>;
  readonly peerDependencies: Record<string, string>;
  readonly devDependencies: Record<string, string>;
}

/** The repository's package.json. */
export function readManifest(): PackageManifest {
  return JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as PackageManifest;
}

/** One file `npm pack` puts in the tarball. */
export interface PackedFile {
  /** Path inside the package, e.g. `dist/lib/index.js`. */
  readonly path: string;
  readonly size: number;
}

/**
 * The files `npm pack` would put in the tarball from the current dist/ (`npm test` builds it
 * before jest runs): the dry run lists them without writing the tarball or running `prepack`.
 */
export function packedFiles(): PackedFile[] {
  const output = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' });
  const [tarball] = JSON.parse(output) as Array<{ readonly files: PackedFile[] }>;
  return tarball.files;
}

/** The relative path every entry of the `exports` map resolves to, condition by condition. */
export function exportTargets(manifest: PackageManifest): string[] {
  return Object.values(manifest.exports).flatMap((target) => typeof target === 'string' ? [target] : Object.values(target));
}
