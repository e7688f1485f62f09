import { Aws, CfnMapping, Fn, Stack, Token } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { ImageProcessor, imageProcessorOf } from '../../gpu/accelerated-instance-types';
import { Problem } from '../../validation';

const DLC_MAIN_ACCOUNT = '763104351884';

/** Where AWS lists the Deep Learning Containers' registries, repositories and tags. */
const DLC_AVAILABLE_IMAGES = 'https://github.com/aws/deep-learning-containers/blob/master/available_images.md';

/**
 * Registry accounts of the AWS Deep Learning Containers by region (source: the
 * aws/deep-learning-containers repository, available_images.md). A region missing here has no
 * known registry: deploy-time lookups fail there, so name the image with `fromRegistry`.
 */
export const DLC_REGISTRY_ACCOUNTS: Readonly<Record<string, string>> = {
  ...Object.fromEntries([
    'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ap-south-1', 'ap-northeast-1', 'ap-northeast-2',
    'ap-southeast-1', 'ap-southeast-2', 'ca-central-1', 'eu-central-1', 'eu-west-1', 'eu-west-2', 'eu-west-3',
    'eu-north-1', 'sa-east-1',
  ].map((region) => [region, DLC_MAIN_ACCOUNT])),
  'af-south-1': '626614931356',
  'ap-east-1': '871362719292',
  'ap-northeast-3': '364406365360',
  'ap-southeast-3': '907027046896',
  'eu-south-1': '692866216735',
  'me-central-1': '914824155844',
  'me-south-1': '217643126080',
  'cn-north-1': '727897471807',
  'cn-northwest-1': '727897471807',
};

/** A docker reference with a registry host, a repository path and a tag or digest. */
const REFERENCE = /^(?:[a-z0-9.-]+(?::\d+)?\/)?[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})$/;
const PRIVATE_ECR = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([^:@]+)/;

/** What a bound image gives its consumer. */
export interface InferenceImageConfig {
  /** The image URI to pull (may hold deploy-time tokens). */
  readonly imageUri: string;
  /** The ECR repository the image lives in, when it is in ECR (for SageMaker models). */
  readonly repository?: ecr.IRepository;
  /** The tag within `repository`. */
  readonly tag?: string;
}

/**
 * Tags of one AWS Deep Learning Container release, one per processor it is built for
 * (available_images.md lists both: e.g. `pytorch-inference` `2.6.0-gpu-py312-cu124-ubuntu22.04-sagemaker`
 * and `2.6.0-cpu-py312-ubuntu22.04-sagemaker`). Each instance type runs the tag of its processor.
 */
export interface DeepLearningContainerTags {
  /**
   * The CUDA build, run on NVIDIA GPU instance types (a GPU fleet, `ml.g5` variants).
   * @default - none: no GPU instance type may run the image
   */
  readonly gpu?: string;
  /**
   * The CPU build, run on instance types without accelerators (a CPU fleet such as dev's, `ml.m5` variants).
   * @default - none: no CPU instance type may run the image
   */
  readonly cpu?: string;
}

/** How each processor reads in messages. */
const PROCESSOR_NAMES: Readonly<Record<ImageProcessor, string>> = {
  gpu: 'NVIDIA GPU (CUDA)',
  cpu: 'CPU',
  other: 'Inferentia, Trainium or Gaudi',
};

/** The processor a Deep Learning Container tag is built for: `-cpu-`, `-gpu-` or a CUDA version (`-cu124`) in the tag; `other` (Neuron) otherwise. */
function processorOfTag(tag: string): ImageProcessor {
  if (/(^|-)cpu(-|$)/.test(tag)) return 'cpu';
  return /(^|-)(gpu|cu\d+)(-|$)/.test(tag) ? 'gpu' : 'other';
}

/**
 * The serving image. It follows the SageMaker inference container contract (`GET /ping` and
 * `POST /invocations` on 8080, the model under /opt/ml/model, started with the argument `serve`),
 * so the same image and model archive serve the EC2 fleet and the SageMaker endpoint. An image
 * may have one build per processor (a Deep Learning Container's CPU and GPU tags): each
 * instance type runs the build of its processor (`imageProcessorOf`).
 */
export abstract class InferenceImage {
  /**
   * An AWS Deep Learning Container, e.g. `pytorch-inference` with `-sagemaker` tags, pulled
   * from the AWS registry of the deploy region (its account resolved at deploy time). Give the
   * release's GPU and CPU tags (`{ gpu, cpu }`) to serve both kinds of instance type, or one
   * tag, whose processor the tag names (`-gpu-`/`-cuNNN`, `-cpu-`).
   */
  public static fromDeepLearningContainer(repositoryName: string, tags: string | DeepLearningContainerTags): InferenceImage {
    return new DeepLearningContainerImage(repositoryName, tags);
  }

  /** An image by reference: a public registry, or a private ECR repository of any account, with a tag or digest; one build for every instance type. */
  public static fromRegistry(reference: string): InferenceImage {
    return new RegistryImage(reference);
  }

  /** A tagged image of an ECR repository of this app; one build for every instance type. */
  public static fromEcrRepository(repository: ecr.IRepository, tag: string): InferenceImage {
    return new EcrRepositoryImage(repository, tag);
  }

  /** The image as it reads in messages and docs. */
  public abstract readonly description: string;

  /** What is wrong with the reference, naming `field`; undefined when it is fine. */
  public abstract problem(field: string): Problem;

  /**
   * The build that runs on `processor` instance types, as it reads in messages and logs:
   * a Deep Learning Container's tag for that processor, the image itself for any other image;
   * undefined when the image has no build for it.
   */
  public abstract buildFor(processor: ImageProcessor): string | undefined;

  /** Resolves the image's build for `processor` in `scope` and lets `grantee` pull it. */
  public abstract bind(scope: Construct, grantee: iam.IGrantable, processor: ImageProcessor): InferenceImageConfig;
}

/**
 * An instance type must run a build of the image made for its processor (a CUDA build on
 * NVIDIA GPUs, a CPU build without accelerators): names `imageField`, the image, the processor and
 * `user` (who needs the build, e.g. `variants[0].instanceType ("ml.m5.large")`), and the fix.
 */
export function checkImageBuild(imageField: string, image: InferenceImage, processor: ImageProcessor, user: string): Problem {
  if (image.buildFor(processor) !== undefined) return undefined;
  const fix = processor === 'other'
    ? 'serve it with an image built for that accelerator (InferenceImage.fromRegistry)'
    : `give the image a ${processor} tag, e.g. InferenceImage.fromDeepLearningContainer('pytorch-inference', { gpu: '2.6.0-gpu-py312-cu124-ubuntu22.04-sagemaker', `
      + `cpu: '2.6.0-cpu-py312-ubuntu22.04-sagemaker' }) (tags: ${DLC_AVAILABLE_IMAGES})`;
  return `${imageField} (${image.description}) has no ${PROCESSOR_NAMES[processor]} build for ${user}: ${fix}`;
}

/** `checkImageBuild` for the processor of `instanceType` (EC2 or SageMaker), named by `instanceField`. */
export function checkImageRunsOn(imageField: string, image: InferenceImage, instanceField: string, instanceType: string): Problem {
  if (Token.isUnresolved(instanceType)) return undefined;
  return checkImageBuild(imageField, image, imageProcessorOf(instanceType), `${instanceField} ("${instanceType}")`);
}

function grantPull(scope: Construct, id: string, repositoryArn: string, grantee: iam.IGrantable): ecr.IRepository {
  const repository = (scope.node.tryFindChild(id) as ecr.IRepository | undefined) ?? ecr.Repository.fromRepositoryAttributes(scope, id, {
    repositoryArn,
    repositoryName: Fn.select(1, Fn.split('/', Fn.select(5, Fn.split(':', repositoryArn)))),
  });
  repository.grantPull(grantee);
  return repository;
}

const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

class DeepLearningContainerImage extends InferenceImage {
  public readonly description: string;
  private readonly tags: Partial<Record<ImageProcessor, string>>;

  constructor(private readonly repositoryName: string, private readonly given: string | DeepLearningContainerTags) {
    super();
    this.tags = typeof given === 'string' ? { [processorOfTag(given)]: given } : { gpu: given.gpu, cpu: given.cpu };
    this.description = typeof given === 'string'
      ? `AWS Deep Learning Container ${repositoryName}:${given}`
      : `AWS Deep Learning Container ${repositoryName} (${Object.entries(this.tags).filter(([, tag]) => tag !== undefined).map(([p, tag]) => `${p}: ${tag}`).join(', ') || 'no tag'})`;
  }

  public problem(field: string): Problem {
    const example = '(e.g. "2.6.0-gpu-py312-cu124-ubuntu22.04-sagemaker")';
    if (!/^[a-z0-9][a-z0-9._/-]*$/.test(this.repositoryName)) {
      return `${field} (${this.description}) must name a repository (lower-case, e.g. "pytorch-inference") and a tag ${example}`;
    }
    if (typeof this.given === 'string') {
      return TAG.test(this.given) ? undefined : `${field} (${this.description}) must name a repository (lower-case, e.g. "pytorch-inference") and a tag ${example}`;
    }
    const given = Object.entries(this.tags).filter((entry): entry is [ImageProcessor, string] => entry[1] !== undefined);
    if (given.length === 0) return `${field} (${this.description}) must give a gpu or a cpu tag, or both: ${DLC_AVAILABLE_IMAGES} lists them`;
    const wrong = given.find(([processor, tag]) => !TAG.test(tag) || processorOfTag(tag) !== processor);
    if (wrong === undefined) return undefined;
    const [processor, tag] = wrong;
    return `${field}.${processor} ("${tag}") must be a tag of the ${PROCESSOR_NAMES[processor]} build, with "-${processor}-" in it (${DLC_AVAILABLE_IMAGES})`;
  }

  public buildFor(processor: ImageProcessor): string | undefined {
    const tag = this.tags[processor];
    return tag === undefined ? undefined : `AWS Deep Learning Container ${this.repositoryName}:${tag}`;
  }

  public bind(scope: Construct, grantee: iam.IGrantable, processor: ImageProcessor): InferenceImageConfig {
    const tag = this.tags[processor];
    if (tag === undefined) throw new Error(checkImageBuild('image', this, processor, `${processor} instance types`));
    const stack = Stack.of(scope);
    if (!Token.isUnresolved(stack.region) && DLC_REGISTRY_ACCOUNTS[stack.region] === undefined) {
      throw new Error(`${this.description} has no known registry in ${stack.region}: name the image with InferenceImage.fromRegistry('<account>.dkr.ecr.${stack.region}.amazonaws.com/...')`);
    }
    // A stack of a known Region names its registry's account; an environment-agnostic one looks it
    // up by Region in a mapping (only then: an unreferenced mapping is a template warning, W7001).
    const account = Token.isUnresolved(stack.region) ? registryMapping(stack).findInMap(Aws.REGION, 'account') : DLC_REGISTRY_ACCOUNTS[stack.region];
    const repositoryArn = `arn:${Aws.PARTITION}:ecr:${Aws.REGION}:${account}:repository/${this.repositoryName}`;
    const repository = grantPull(scope, 'DeepLearningContainerRepository', repositoryArn, grantee);
    return { imageUri: `${account}.dkr.ecr.${Aws.REGION}.${Aws.URL_SUFFIX}/${this.repositoryName}:${tag}`, repository, tag };
  }
}

/** The stack's one mapping of Region to the Deep Learning Containers' registry account. */
function registryMapping(stack: Stack): CfnMapping {
  const mappingId = 'DeepLearningContainerRegistry';
  return (stack.node.tryFindChild(mappingId) as CfnMapping | undefined) ?? new CfnMapping(stack, mappingId, {
    mapping: Object.fromEntries(Object.entries(DLC_REGISTRY_ACCOUNTS).map(([region, account]) => [region, { account }])),
  });
}

class RegistryImage extends InferenceImage {
  public readonly description: string;
  constructor(private readonly reference: string) {
    super();
    this.description = reference;
  }

  public problem(field: string): Problem {
    if (Token.isUnresolved(this.reference) || REFERENCE.test(this.reference)) return undefined;
    return `${field} ("${this.reference}") must be an image reference with a tag or digest, e.g. "public.ecr.aws/my-org/serving:1.0.0": a bare or malformed reference pulls whatever :latest is`;
  }

  public buildFor(): string {
    return this.description;
  }

  public bind(scope: Construct, grantee: iam.IGrantable): InferenceImageConfig {
    const ecrMatch = PRIVATE_ECR.exec(this.reference);
    if (!ecrMatch) return { imageUri: this.reference };
    const [, account, region, name] = ecrMatch;
    const repository = grantPull(scope, 'ImageRepository', `arn:${Aws.PARTITION}:ecr:${region}:${account}:repository/${name}`, grantee);
    return { imageUri: this.reference, repository, tag: /:([^:/@]+)$/.exec(this.reference)?.[1] };
  }
}

class EcrRepositoryImage extends InferenceImage {
  public readonly description: string;
  constructor(private readonly repository: ecr.IRepository, private readonly tag: string) {
    super();
    this.description = `ECR repository ${repository.node.path}:${tag}`;
  }

  public problem(field: string): Problem {
    return TAG.test(this.tag) ? undefined : `${field} tag ("${this.tag}") must be 1-128 letters, digits, _ . or -`;
  }

  public buildFor(): string {
    return this.description;
  }

  public bind(_scope: Construct, grantee: iam.IGrantable): InferenceImageConfig {
    this.repository.grantPull(grantee);
    return { imageUri: this.repository.repositoryUriForTag(this.tag), repository: this.repository, tag: this.tag };
  }
}
