import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** gzip tarballs with the system `tar`, the format of SageMaker's code and model archives. */

function tar(args: string[]): void {
  const result = spawnSync('tar', args, { encoding: 'utf8' });
  if (result.error) throw new Error(`tar is not available: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`tar ${args.join(' ')} failed: ${result.stderr.trim()}`);
}

/** Packs the contents of `dir` (not the directory itself) into the gzip tarball `archive`. */
export function packDirectory(dir: string, archive: string): void {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`${dir} is not a directory`);
  tar(['-czf', archive, '-C', dir, '.']);
}

/** Extracts the gzip tarball `archive` into `dir`. */
export function unpackArchive(archive: string, dir: string): void {
  tar(['-xzf', archive, '-C', dir]);
}

/** Every file under `dir`, as paths relative to it with `/` separators. */
export function filesIn(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesIn(path).map((file) => relative(dir, join(path, file))) : [entry.name];
  });
}
