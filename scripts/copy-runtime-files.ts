import { cpSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Copies the runtime files the constructs ship as assets (shell scripts, manifests) from lib/
 * into the compiled library in dist/lib/: tsc emits only what it compiles.
 */
const root = join(__dirname, '..');
cpSync(join(root, 'lib'), join(root, 'dist', 'lib'), {
  recursive: true,
  filter: (source) => statSync(source).isDirectory() || !source.endsWith('.ts'),
});
