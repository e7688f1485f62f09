import { App } from 'aws-cdk-lib';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvironmentConfig } from '../../lib/config';
import { AiInfraStage } from '../../lib/stacks/ai-infra-stage';

/**
 * Synthesizes the environments' stages in this process into a new temporary directory and
 * returns it, each with its model published: the state an environment runs in once its model
 * is uploaded (before that its fleet keeps MinSize 0 and has nothing to serve). The nag packs
 * are left out: they judge the templates, they do not change them.
 */
export function synthEnvironments(configs: readonly EnvironmentConfig[]): string {
  const outdir = mkdtempSync(join(tmpdir(), 'ai-infra-foresight-'));
  const app = new App({ outdir });
  for (const config of configs) new AiInfraStage(app, config.name, { config: { ...config, modelPublished: true } });
  app.synth();
  return outdir;
}
