import { Aws, CfnMapping, Fn, Stack, Token } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { Problem } from '../../validation';

const DLC_MAIN_ACCOUNT = '763104351884';

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
 * The serving image. It follows the SageMaker inference container contract (`GET /ping` and
 * `POST /invocations` on 8080, the model under /opt/ml/model, started with the argument `serve`),
 * so the same image and model archive serve the EC2 fleet and the SageMaker endpoint.
 */
export abstract class InferenceImage {
  /**
   * An AWS Deep Learning Container, e.g. `pytorch-inference` with a `...-sagemaker` tag, pulled
   * from the AWS registry of the deploy region (its account resolved at deploy time).
   */
  public static fromDeepLearningContainer(repositoryName: string, tag: string): InferenceImage {
    return new DeepLearningContainerImage(repositoryName, tag);
  }

  /** An image by reference: a public registry, or a private ECR repository of any account, with a tag or digest. */
  public static fromRegistry(reference: string): InferenceImage {
    return new RegistryImage(reference);
  }

  /** A tagged image of an ECR repository of this app. */
  public static fromEcrRepository(repository: ecr.IRepository, tag: string): InferenceImage {
    return new EcrRepositoryImage(repository, tag);
  }

  /** The image as it reads in messages and docs. */
  public abstract readonly description: string;

  /** What is wrong with the reference, naming `field`; undefined when it is fine. */
  public abstract problem(field: string): Problem;

  /** Resolves the image in `scope` and lets `grantee` pull it. */
  public abstract bind(scope: Construct, grantee: iam.IGrantable): InferenceImageConfig;
}

function grantPull(scope: Construct, id: string, repositoryArn: string, grantee: iam.IGrantable): ecr.IRepository {
  const repository = ecr.Repository.fromRepositoryAttributes(scope, id, {
    repositoryArn,
    repositoryName: Fn.select(1, Fn.split('/', Fn.select(5, Fn.split(':', repositoryArn)))),
  });
  repository.grantPull(grantee);
  return repository;
}

class DeepLearningContainerImage extends InferenceImage {
  public readonly description: string;
  constructor(private readonly repositoryName: string, private readonly tag: string) {
    super();
    this.description = `AWS Deep Learning Container ${repositoryName}:${tag}`;
  }

  public problem(field: string): Problem {
    if (/^[a-z0-9][a-z0-9._/-]*$/.test(this.repositoryName) && /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(this.tag)) return undefined;
    return `${field} (${this.description}) must name a repository (lower-case, e.g. "pytorch-inference") and a tag (e.g. "2.6.0-gpu-py312-cu124-ubuntu22.04-sagemaker")`;
  }

  public bind(scope: Construct, grantee: iam.IGrantable): InferenceImageConfig {
    const stack = Stack.of(scope);
    const mappingId = 'DeepLearningContainerRegistry';
    const mapping = (stack.node.tryFindChild(mappingId) as CfnMapping | undefined) ?? new CfnMapping(stack, mappingId, {
      mapping: Object.fromEntries(Object.entries(DLC_REGISTRY_ACCOUNTS).map(([region, account]) => [region, { account }])),
    });
    if (!Token.isUnresolved(stack.region) && DLC_REGISTRY_ACCOUNTS[stack.region] === undefined) {
      throw new Error(`${this.description} has no known registry in ${stack.region}: name the image with InferenceImage.fromRegistry('<account>.dkr.ecr.${stack.region}.amazonaws.com/...')`);
    }
    const account = Token.isUnresolved(stack.region) ? mapping.findInMap(Aws.REGION, 'account') : DLC_REGISTRY_ACCOUNTS[stack.region];
    const repositoryArn = `arn:${Aws.PARTITION}:ecr:${Aws.REGION}:${account}:repository/${this.repositoryName}`;
    const repository = grantPull(scope, 'DeepLearningContainerRepository', repositoryArn, grantee);
    return { imageUri: `${account}.dkr.ecr.${Aws.REGION}.${Aws.URL_SUFFIX}/${this.repositoryName}:${this.tag}`, repository, tag: this.tag };
  }
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
    return /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(this.tag) ? undefined : `${field} tag ("${this.tag}") must be 1-128 letters, digits, _ . or -`;
  }

  public bind(_scope: Construct, grantee: iam.IGrantable): InferenceImageConfig {
    this.repository.grantPull(grantee);
    return { imageUri: this.repository.repositoryUriForTag(this.tag), repository: this.repository, tag: this.tag };
  }
}
