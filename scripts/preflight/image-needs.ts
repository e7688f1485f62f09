import { EnvironmentStack } from './template';
import { DeployTarget, evaluate } from './template-values';

/** An image the stacks pull from an ECR registry. */
export interface EcrImage {
  readonly registryId: string;
  readonly region: string;
  readonly repositoryName: string;
  /** A tag, or undefined when the reference pins a digest. */
  readonly tag?: string;
  readonly digest?: string;
  /** The reference as the stacks use it. */
  readonly uri: string;
}

/** `<account>.dkr.ecr.<region>.amazonaws.com[.cn]/<repository>:<tag>` or `@sha256:<digest>`. */
const ECR_IMAGE = /(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([a-z0-9]+(?:[._/-][a-z0-9]+)*)(?::([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})|@(sha256:[a-f0-9]{64}))/g;

/**
 * The ECR images the templates reference anywhere (a launch template's user data, a SageMaker
 * model's container), evaluated for `target`: the serving image's registry account comes from the
 * template's registry mapping for that region.
 */
export function ecrImages(stacks: readonly EnvironmentStack[], target: DeployTarget): EcrImage[] {
  const found = new Map<string, EcrImage>();
  for (const stack of stacks) {
    for (const text of strings(stack.template.Resources ?? {}, (value) => evaluate(value, stack.template, target, stack.stackName))) {
      for (const match of text.matchAll(ECR_IMAGE)) {
        const [uri, registryId, region, repositoryName, tag, digest] = match;
        found.set(uri, { registryId, region, repositoryName, uri, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) });
      }
    }
  }
  return [...found.values()];
}

/**
 * The SSM parameters the templates resolve to an AMI id at deploy time (parameters of type
 * `AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>`, e.g. the Deep Learning AMI's public parameter).
 */
export function amiParameters(stacks: readonly EnvironmentStack[]): string[] {
  return [...new Set(stacks.flatMap((stack) => Object.values(stack.template.Parameters ?? {})
    .filter((p) => p.Type === 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>' && typeof p.Default === 'string')
    .map((p) => p.Default as string)))];
}

/** Every string a template value holds, each intrinsic function evaluated as a whole. */
function strings(value: unknown, evaluateIntrinsic: (v: unknown) => string): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap((v) => strings(v, evaluateIntrinsic));
  if (value && typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) return [evaluateIntrinsic(value)];
    return Object.values(value).flatMap((v) => strings(v, evaluateIntrinsic));
  }
  return [];
}
