import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A CloudFormation template as JSON. */
export interface CfnTemplate {
  readonly Resources?: Record<string, CfnResource>;
  readonly Outputs?: Record<string, { readonly Value?: unknown }>;
}

/** One resource of a template. */
export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
}

/** One synthesized stack. */
export interface StackTemplate {
  /** Display name, e.g. `dev/AiInference`. */
  readonly displayName: string;
  readonly template: CfnTemplate;
}

/** The stacks of one environment (one nested assembly, i.e. one Stage). */
export interface EnvironmentAssembly {
  /** The Stage's name, e.g. `dev`. */
  readonly environment: string;
  readonly stacks: readonly StackTemplate[];
}

interface ManifestArtifact {
  readonly type: string;
  readonly displayName?: string;
  readonly properties?: { readonly directoryName?: string; readonly templateFile?: string };
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
}

function artifactsOf(dir: string): Record<string, ManifestArtifact> {
  const manifest = join(dir, 'manifest.json');
  if (!existsSync(manifest)) {
    throw new Error(`${dir} is not a cloud assembly (no manifest.json): run \`npx cdk synth\` or pass --synth`);
  }
  return ((readJson(manifest) as { artifacts?: Record<string, ManifestArtifact> }).artifacts) ?? {};
}

/**
 * Reads every environment (nested assembly) of the cloud assembly in `dir`, e.g. `cdk.out`,
 * with its stack templates.
 */
export function readCloudAssembly(dir: string): EnvironmentAssembly[] {
  return Object.entries(artifactsOf(dir))
    .filter(([, artifact]) => artifact.type === 'cdk:cloud-assembly' && artifact.properties?.directoryName)
    .map(([id, artifact]) => {
      const nested = join(dir, artifact.properties!.directoryName!);
      const stacks = Object.values(artifactsOf(nested))
        .filter((a) => a.type === 'aws:cloudformation:stack' && a.properties?.templateFile)
        .map((a) => ({
          displayName: a.displayName ?? a.properties!.templateFile!,
          template: readJson(join(nested, a.properties!.templateFile!)) as CfnTemplate,
        }));
      // A Stage's stacks are named `<stage>/<stack>`; its nested assembly is `assembly-<stage>`.
      const named = stacks.find((s) => s.displayName.includes('/'));
      const environment = named ? named.displayName.split('/')[0] : id.replace(/^assembly-/, '');
      return { environment, stacks };
    });
}

/** The environment named `name` in `assemblies`, or an error that lists the ones there are. */
export function environmentNamed(assemblies: readonly EnvironmentAssembly[], name: string): EnvironmentAssembly {
  const found = assemblies.find((a) => a.environment === name);
  if (!found) {
    const names = assemblies.map((a) => a.environment).join(', ') || 'none';
    throw new Error(`environment "${name}" is not in the cloud assembly (it has: ${names}): synthesize it with \`npx cdk synth -c env=${name}\``);
  }
  return found;
}
