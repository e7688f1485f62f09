import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A directory for a script's in-process synthesis, removed when the process exits. Without an
 * outdir, a CDK App synthesizes into a fresh `cdk.out*` of the system's temporary directory that
 * nothing removes (about 60 MB per synthesis of every environment); a cloud assembly reads its
 * templates when asked, so the directory lives as long as the process.
 */
export function temporaryOutdir(): string {
  const directory = mkdtempSync(join(tmpdir(), 'ai-infra-synth-'));
  process.once('exit', () => rmSync(directory, { recursive: true, force: true }));
  return directory;
}
