import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { packageModel } from './package-model';

/** The sample model shipped in the repository: `npm run model:package` packages it by default. */
export const SAMPLE_MODEL_DIR = join(__dirname, '../../models/sentiment');

export const USAGE = `usage: npm run model:package -- [--source <dir>] [--out <file>]
Packages a model directory into the model.tar.gz the default serving image loads: model files at
the top, code/inference.py (model_fn, input_fn, predict_fn, output_fn) and an optional
code/requirements.txt. The same directory always gives the same archive.
  --source <dir>  the model directory (default: the sample, models/sentiment)
  --out <file>    the archive to write (default: model.tar.gz)
Then upload it where inference.model's name and version point:
  aws s3 cp model.tar.gz s3://<ModelBucketName>/models/<name>/<version>/model.tar.gz
Exit 0: packaged. 1: the directory is not a model the image can serve. 2: usage.`;

export const EXIT_OK = 0;
export const EXIT_INVALID = 1;
export const EXIT_USAGE = 2;

/** What the CLI prints to. */
export interface PackageIo {
  readonly print: (line: string) => void;
  readonly printError: (line: string) => void;
}

/** Runs `model:package` with `argv`; returns the exit code. */
export async function runPackageModel(argv: readonly string[], io: PackageIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { source: { type: 'string', default: SAMPLE_MODEL_DIR }, out: { type: 'string', default: 'model.tar.gz' }, help: { type: 'boolean', default: false } },
      strict: true,
    }));
  } catch (error) {
    io.printError(`model:package: ${(error as Error).message} (npm run model:package -- --help)`);
    return EXIT_USAGE;
  }
  if (values.help) {
    io.print(USAGE);
    return EXIT_OK;
  }
  try {
    const packaged = await packageModel(values.source, values.out);
    io.print(`packaged ${relative(process.cwd(), values.source) || '.'} into ${packaged.out}: ${packaged.members.length} entries, ${packaged.bytes} bytes, sha256 ${packaged.sha256}`);
    io.print(`upload it: aws s3 cp ${packaged.out} s3://<ModelBucketName>/models/<name>/<version>/model.tar.gz`);
    return EXIT_OK;
  } catch (error) {
    for (const line of (error as Error).message.split('\n')) io.printError(`model:package: ${line}`);
    return EXIT_INVALID;
  }
}
