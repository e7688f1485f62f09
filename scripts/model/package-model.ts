import { createHash } from 'node:crypto';
import { lstatSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import * as tar from 'tar';

/**
 * The layout the default image needs in model.tar.gz: the AWS PyTorch inference Deep Learning
 * Container with the SageMaker PyTorch inference toolkit extracts it to /opt/ml/model and takes
 * "model files in the top-level directory" and the inference script, with any other source and an
 * optional requirements.txt, "in a directory named code/"; the script's model_fn loads the model
 * (https://sagemaker.readthedocs.io/en/stable/frameworks/pytorch/using_pytorch.html#model-directory-structure).
 */
export const INFERENCE_SCRIPT = 'code/inference.py';

/** Python's bytecode caches: written by whichever Python imported the code, never packaged. */
const LEFT_OUT = '__pycache__';

/** What a packaged archive holds. */
export interface PackagedModel {
  /** The archive written. */
  readonly out: string;
  /** Paths of the archive's members, in order (directories end with `/`). */
  readonly members: readonly string[];
  /** Size of the archive in bytes. */
  readonly bytes: number;
  /** SHA-256 of the archive, hex: the same directory always gives the same archive. */
  readonly sha256: string;
}

/** Every file and directory under `dir`, relative and `/`-separated, sorted, bytecode caches left out. */
function walk(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix)).sort().flatMap((name) => {
    const path = prefix === '' ? name : `${prefix}/${name}`;
    if (name === LEFT_OUT) return [];
    return lstatSync(join(dir, path)).isDirectory() ? [`${path}/`, ...walk(dir, path)] : [path];
  });
}

/** What keeps `source` from being a model directory the default image can serve; empty when it can. */
export function modelDirectoryProblems(source: string, out: string): string[] {
  if (!statSync(source, { throwIfNoEntry: false })?.isDirectory()) {
    return [`--source (${source}) is not a directory: give the directory that holds the model files and ${INFERENCE_SCRIPT}`];
  }
  const script = join(source, INFERENCE_SCRIPT);
  if (!statSync(script, { throwIfNoEntry: false })?.isFile()) {
    return [`${source} has no ${INFERENCE_SCRIPT}: the SageMaker PyTorch inference toolkit of the default image loads the model through its model_fn (and input_fn, predict_fn, output_fn)`];
  }
  const problems: string[] = [];
  if (!/^(def\s+model_fn\s*\(|model_fn\s*=)/m.test(readFileSync(script, 'utf8'))) {
    problems.push(`${script} defines no model_fn(model_dir): the toolkit calls it to load the model from /opt/ml/model`);
  }
  const members = walk(source);
  if (!members.some((member) => !member.endsWith('/') && !member.startsWith('code/'))) {
    problems.push(`${source} has no model files beside code/: put the weights (for the sample, lexicon.json) in the top-level directory`);
  }
  for (const member of members) {
    const memberStat = lstatSync(join(source, member));
    if (!memberStat.isFile() && !memberStat.isDirectory()) {
      problems.push(`${join(source, member)} is ${memberStat.isSymbolicLink() ? 'a symbolic link' : 'not a regular file'}: put the file itself in the model directory`);
    }
  }
  const outPath = resolve(out);
  const sourcePath = resolve(source);
  if (outPath === sourcePath || outPath.startsWith(`${sourcePath}${sep}`)) {
    problems.push(`--out (${out}) is inside --source (${source}): write the archive elsewhere, or it would package itself`);
  }
  if (!statSync(dirname(outPath), { throwIfNoEntry: false })?.isDirectory()) problems.push(`--out (${out}): directory ${dirname(outPath)} does not exist`);
  return problems;
}

/**
 * Packages the model directory `source` into the gzipped tarball `out`, written whole or not at
 * all. Deterministic: members sorted, every mtime the epoch, no owners, user names or host ids
 * (node-tar's `portable`, which also writes the gzip header without a timestamp or OS), so the
 * same directory gives the same bytes on any machine. Owner-less members also extract through
 * the model cache's EFS access point, where no owner can be restored.
 */
export async function packageModel(source: string, out: string): Promise<PackagedModel> {
  const problems = modelDirectoryProblems(source, out);
  if (problems.length > 0) throw new Error(problems.join('\n'));
  const members = walk(source);
  const partial = `${out}.partial-${process.pid}`;
  try {
    await tar.c({ gzip: true, file: partial, cwd: source, portable: true, noDirRecurse: true, mtime: new Date(0) }, members);
    renameSync(partial, out);
  } finally {
    rmSync(partial, { force: true });
  }
  const archive = readFileSync(out);
  return { out, members, bytes: archive.length, sha256: createHash('sha256').update(archive).digest('hex') };
}

