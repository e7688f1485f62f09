import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Every temporary directory of the run goes under one directory that global-teardown.ts removes:
 * a CDK App without an outdir synthesizes into a fresh `cdk.out*` directory of os.tmpdir() and
 * never removes it, which leaves gigabytes behind per run. os.tmpdir() reads TMPDIR, and the
 * workers, started after this, inherit it.
 */
export default function globalSetup(): void {
  process.env.TMPDIR = mkdtempSync(join(tmpdir(), 'ai-infra-test-'));
}
