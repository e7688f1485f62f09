import { rmSync } from 'node:fs';

/** Removes the run's temporary directory (global-setup.ts). */
export default function globalTeardown(): void {
  const directory = process.env.TMPDIR;
  if (directory?.includes('ai-infra-test-')) rmSync(directory, { recursive: true, force: true });
}
