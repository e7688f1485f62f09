import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ILocalBundling } from 'aws-cdk-lib';
import { sourceEntry } from '../../source-entry';

/**
 * The Node.js major the instances run the queue agent on: boot.sh installs AL2023's
 * `nodejs<N>` package and runs `/usr/bin/node-<N>`, and esbuild targets it. An LTS that
 * AL2023 packages (20, 22 and 24: https://docs.aws.amazon.com/linux/al2023/ug/nodejs.html);
 * 24 is supported until 2028-04-30, 20 reached its end of life on 2026-04-30
 * (https://github.com/nodejs/Release#release-schedule).
 */
export const AGENT_NODE_MAJOR = 24;

/** The queue agent's entry point. */
export const AGENT_ENTRY = sourceEntry(join(__dirname, '../../runtime/inference/agent/main'));

/**
 * Bundles the queue agent and its dependencies (the AWS SDK clients) into one
 * CommonJS file for Node.js AGENT_NODE_MAJOR with the project's local esbuild. Throws when esbuild is
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
    AGENT_ENTRY, '--bundle', '--platform=node', `--target=node${AGENT_NODE_MAJOR}`, '--format=cjs',
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
