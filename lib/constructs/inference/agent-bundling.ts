import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ILocalBundling } from 'aws-cdk-lib';
import { sourceEntry } from '../../source-entry';

/** The queue agent's entry point. */
export const AGENT_ENTRY = sourceEntry(join(__dirname, '../../runtime/inference/agent/main'));

/**
 * Bundles the queue agent and its dependencies (the AWS SDK clients) into one
 * CommonJS file for Node.js 20 with the project's local esbuild. Throws when esbuild is
 * missing or fails, so synthesis never falls back to Docker.
 */
export function bundleAgent(outfile: string): void {
  let esbuild: string;
  try {
    esbuild = require.resolve('esbuild/bin/esbuild');
  } catch {
    throw new Error('esbuild is not installed: run `npm ci` to bundle the inference queue agent');
  }
  const result = spawnSync(esbuild, [
    AGENT_ENTRY, '--bundle', '--platform=node', '--target=node20', '--format=cjs',
    '--legal-comments=none', '--log-level=warning', `--outfile=${outfile}`,
  ], { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`esbuild could not bundle the queue agent: ${result.error?.message ?? result.stderr}`);
  }
}

/** Asset bundling that always runs locally: it bundles or throws, so Docker is never needed. */
export class LocalAgentBundling implements ILocalBundling {
  tryBundle(outputDir: string): boolean {
    bundleAgent(join(outputDir, 'agent.js'));
    return true;
  }
}
