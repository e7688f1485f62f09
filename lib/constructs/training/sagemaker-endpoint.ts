import * as sagemaker from '@aws-cdk/aws-sagemaker-alpha';
import { RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  checkFraction, checkInRange, checkMinMax, checkNonEmptyList, checkPositive, checkSageMakerInstanceType,
  checkUniqueNames, checkWholeNumberAtLeast, Problem, throwIfProblems,
} from '../../validation';
import { ImageProcessor, imageProcessorOf } from '../../gpu/accelerated-instance-types';
import { ModelPackageModel } from './model-package-model';
import { acknowledgeWildcards } from './nag-findings';
import { hasLocalInstanceStorage } from './sagemaker-instance-storage';
import { InferenceImage, checkImageRunsOn } from '../inference/inference-image';
import { ArchiveModel, INFERENCE_MODEL_DEFAULTS, InferenceModel, RegistryModel, isRegistryModel } from '../inference/inference-runtime';
import { modelArchiveKey } from '../inference/model-bucket';
import { denyGrantsToNonAwsServices } from '../security/deny-grants-to-non-aws-services';

/** One production variant of the endpoint. */
export interface SageMakerVariant {
  /** Variant name, unique within the endpoint. */
  readonly name: string;
  /** SageMaker instance type, `ml.` prefixed, e.g. `ml.g5.xlarge`. */
  readonly instanceType: string;
  /** Instances the variant starts with; between minCapacity and maxCapacity. */
  readonly initialInstanceCount: number;
  /** Share of traffic relative to the other variants' weights; > 0. */
  readonly initialVariantWeight: number;
}

/** Props of {@link SageMakerEndpoint}. */
export interface SageMakerEndpointProps {
  /** Execution role of the model; it must already read the model's archive in `modelBucket`. */
  readonly role: iam.IRole;
  /** Bucket holding the model archive `models/{name}/{version}/model.tar.gz` (of an archive model). */
  readonly modelBucket: s3.IBucket;
  /**
   * The model served: the same image and archive as the EC2 fleet's. An archive's image must be in
   * ECR (SageMaker pulls only from ECR) and have a build for each variant's processor (a Deep
   * Learning Container's `cpu` tag for `ml.m5`, its `gpu` tag for `ml.g5`); a registered model
   * version (`modelPackage`) is resolved at deploy, and its one image serves every variant.
   */
  readonly model: InferenceModel;
  /**
   * Retention of the log group of a registered model's resolver (`model.modelPackage`).
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Customer managed key of that log group (CT.CLOUDWATCH.PR.3).
   * @default - CloudWatch Logs' own encryption at rest, no customer managed key
   */
  readonly logEncryptionKey?: kms.IKey;
  /** Production variants; several split traffic by weight (A/B), and may mix CPU and GPU types. */
  readonly variants: readonly SageMakerVariant[];
  /** Fewest instances per variant. */
  readonly minCapacity: number;
  /** Most instances per variant. */
  readonly maxCapacity: number;
  /** Requests per second one instance sustains at peak (from a load test). */
  readonly maxRequestsPerSecond: number;
  /**
   * Share of maxRequestsPerSecond the invocations-per-instance target is set to, (0-1].
   * @default 0.5 - ScalableInstanceCount.scaleOnInvocations' own default
   */
  readonly safetyFactor?: number;
  /**
   * Encrypt the instances' storage volumes with a customer managed KMS key (rotated yearly).
   * Only for variants whose instance type stores on EBS: local NVMe storage (ml.g4dn, ml.g5,
   * ml.p4d, the `d` types, ...) is encrypted by a hardware module on the instance, and
   * CreateEndpointConfig fails when a KmsKeyId is given for such a type.
   * @default false - SageMaker's AWS managed key (EBS), the instance's hardware encryption (NVMe)
   */
  readonly customerManagedKey?: boolean;
  /**
   * Removal policy of the customer managed key (and of a registered model's resolver log group).
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * VPC to place the model's containers in; the role gets the network interface actions it needs.
   * @default - no VPC: SageMaker's managed network
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Subnets of the model in `vpc`.
   * @default - the VPC's private subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
}

/** The endpoint's settings: plain values an environment config holds. */
export type SageMakerEndpointSettings = Pick<SageMakerEndpointProps, 'variants' | 'minCapacity' | 'maxCapacity' | 'maxRequestsPerSecond' | 'safetyFactor' | 'customerManagedKey'>;

/** ScalableInstanceCount.scaleOnInvocations' safety factor when none is given. */
const SCALE_ON_INVOCATIONS_SAFETY_FACTOR = 0.5;

/** Instance families Application Auto Scaling cannot scale on SageMaker. */
const BURSTABLE_PREFIXES = ['ml.t2', 'ml.t3'];

/** Construct ids of the models when variants run several builds of the image; one build keeps `Model`. */
const MODEL_IDS: Readonly<Record<ImageProcessor, string>> = { gpu: 'Model', cpu: 'CpuModel', other: 'AcceleratorModel' };

/**
 * A SageMaker real-time endpoint: a model from an ECR image and S3 model data (one per build of
 * the image its variants run: a CPU and a GPU model when they mix processors), an endpoint config
 * with the given production variants, the endpoint, and per-variant autoscaling on invocations
 * per instance (target = maxRequestsPerSecond x safetyFactor x 60).
 */
export class SageMakerEndpoint extends Construct {
  /** The model of the first variant. */
  public readonly model: sagemaker.IModel;
  /** Every model, one per build of the image the variants run (a registered model's one image serves them all). */
  public readonly models: readonly sagemaker.IModel[];
  /** The endpoint config. */
  public readonly endpointConfig: sagemaker.EndpointConfig;
  /** The endpoint. */
  public readonly endpoint: sagemaker.Endpoint;
  /** The storage volume key, when `customerManagedKey` is set. */
  public readonly encryptionKey?: kms.Key;
  /** The production variants' names. */
  public readonly variantNames: readonly string[];
  /** Fewest instances per variant. */
  public readonly minCapacity: number;
  /** Most instances per variant. */
  public readonly maxCapacity: number;
  /**
   * Invocations per instance per minute each variant's scaling policy tracks:
   * maxRequestsPerSecond x safetyFactor x 60, as ScalableInstanceCount.scaleOnInvocations sets it.
   */
  public readonly invocationsPerInstanceTarget: number;

  constructor(scope: Construct, id: string, props: SageMakerEndpointProps) {
    super(scope, id);
    throwIfProblems(
      ...sageMakerEndpointSettingsProblems(props),
      ...(isRegistryModel(props.model) ? [] : sageMakerImageProblems('model.image', props.model.image, 'variants', props.variants)),
    );
    this.variantNames = props.variants.map((v) => v.name);
    this.minCapacity = props.minCapacity;
    this.maxCapacity = props.maxCapacity;
    this.invocationsPerInstanceTarget = (props.safetyFactor ?? SCALE_ON_INVOCATIONS_SAFETY_FACTOR) * props.maxRequestsPerSecond * 60;

    if (props.vpc) {
      props.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          // SageMaker creates the containers' network interfaces with the execution role; these actions take no resource scope.
          actions: [
            'ec2:CreateNetworkInterface', 'ec2:CreateNetworkInterfacePermission', 'ec2:DeleteNetworkInterface',
            'ec2:DeleteNetworkInterfacePermission', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeVpcs',
            'ec2:DescribeDhcpOptions', 'ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups',
          ],
          resources: ['*'],
        }),
      );
      acknowledgeWildcards(
        props.role,
        ['Resource::*'],
        'ecr:GetAuthorizationToken and the network interface actions SageMaker needs to place the model in the VPC support no resource-level permissions.',
      );
    }

    const modelOf = isRegistryModel(props.model) ? this.modelPackageModel(props.model, props) : this.archiveModels(props.model, props);
    this.models = [...new Set(props.variants.map(modelOf))];
    this.model = modelOf(props.variants[0]);

    this.encryptionKey = props.customerManagedKey
      ? new kms.Key(this, 'StorageKey', {
        description: 'SageMaker endpoint storage volumes',
        enableKeyRotation: true,
        removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      })
      : undefined;
    // Only AWS resources (the endpoint's volumes) get grants on the key (CT.KMS.PR.3).
    if (this.encryptionKey) denyGrantsToNonAwsServices(this.encryptionKey);

    this.endpointConfig = new sagemaker.EndpointConfig(this, 'EndpointConfig', {
      encryptionKey: this.encryptionKey,
      instanceProductionVariants: props.variants.map((v) => ({
        model: modelOf(v),
        variantName: v.name,
        instanceType: sagemaker.InstanceType.of(v.instanceType),
        initialInstanceCount: v.initialInstanceCount,
        initialVariantWeight: v.initialVariantWeight,
      })),
    });
    this.endpoint = new sagemaker.Endpoint(this, 'Endpoint', { endpointConfig: this.endpointConfig });

    // Variant.autoScaleInstanceCount() gives every variant's scalable target the same construct id
    // under the endpoint, so a second variant collides; one ScalableInstanceCount per variant here.
    const scalingRole = iam.Role.fromRoleArn(
      this,
      'ScalingRole',
      Stack.of(this).formatArn({
        service: 'iam',
        region: '',
        resource: 'role/aws-service-role/sagemaker.application-autoscaling.amazonaws.com',
        resourceName: 'AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint',
      }),
    );
    for (const variant of props.variants) {
      const scalable = new sagemaker.ScalableInstanceCount(this, `Scaling${variant.name}`, {
        serviceNamespace: appscaling.ServiceNamespace.SAGEMAKER,
        resourceId: `endpoint/${this.endpoint.endpointName}/variant/${variant.name}`,
        dimension: 'sagemaker:variant:DesiredInstanceCount',
        role: scalingRole,
        minCapacity: props.minCapacity,
        maxCapacity: props.maxCapacity,
      });
      scalable.scaleOnInvocations('Invocations', { maxRequestsPerSecond: props.maxRequestsPerSecond, safetyFactor: props.safetyFactor });
      scalable.node.addDependency(this.endpoint);
    }
  }

  /** The models of an archive, one per build of the image the variants run (a CPU and a GPU tag); variants of one build share one. */
  private archiveModels(model: ArchiveModel, props: SageMakerEndpointProps): (v: SageMakerVariant) => sagemaker.IModel {
    // The exact archive, no prefix wildcard: a new model version updates the grant with the model.
    props.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['s3:GetObject'],
      resources: [props.modelBucket.arnForObjects(modelArchiveKey(model))],
    }));
    // The role's own policy grants the model data prefix and the repository; the alpha module's
    // grants (read on the whole bucket) are dropped by handing it an immutable reference.
    const role = iam.Role.fromRoleArn(this, 'ExecutionRole', props.role.roleArn, { mutable: false });
    const buildOf = (v: SageMakerVariant) => model.image.buildFor(imageProcessorOf(v.instanceType));
    const firstOfBuild = props.variants.filter((v, n) => props.variants.findIndex((other) => buildOf(other) === buildOf(v)) === n);
    const models = new Map(firstOfBuild.map((v) => {
      const processor = imageProcessorOf(v.instanceType);
      return [buildOf(v), this.newModel(firstOfBuild.length === 1 ? 'Model' : MODEL_IDS[processor], role, processor, model, props)];
    }));
    return (v) => models.get(buildOf(v)) as sagemaker.Model;
  }

  /** The one model of a registered version, whose image every variant runs. */
  private modelPackageModel(registered: RegistryModel, props: SageMakerEndpointProps): (v: SageMakerVariant) => sagemaker.IModel {
    const { model } = new ModelPackageModel(this, 'RegisteredModel', {
      modelPackage: registered.modelPackage,
      role: props.role,
      environment: containerEnvironment(registered),
      logRetention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      logEncryptionKey: props.logEncryptionKey,
      removalPolicy: props.removalPolicy,
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
    });
    return () => model;
  }

  /** A model running the image's build for `processor`, with the runtime's GPU_MEMORY_FRACTION and the model's environment. */
  private newModel(id: string, role: iam.IRole, processor: ImageProcessor, archive: ArchiveModel, props: SageMakerEndpointProps): sagemaker.Model {
    const image = archive.image.bind(this, props.role, processor);
    if (!image.repository || !image.tag) {
      throw new Error(`model.image (${archive.image.description}) must be an ECR image for SageMaker: use InferenceImage.fromDeepLearningContainer, fromEcrRepository or a private ECR reference`);
    }
    const model = new sagemaker.Model(this, id, {
      role,
      containers: [
        {
          image: sagemaker.ContainerImage.fromEcrRepository(image.repository, image.tag),
          modelData: sagemaker.ModelData.fromBucket(props.modelBucket, modelArchiveKey(archive)),
          environment: containerEnvironment(archive),
        },
      ],
      vpc: props.vpc,
      vpcSubnets: props.vpc ? (props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }) : undefined,
    });
    model.node.addDependency(props.role);
    return model;
  }
}

/** The container's environment: the model's own and the runtime's GPU_MEMORY_FRACTION. */
function containerEnvironment(model: InferenceModel): Record<string, string> {
  return { ...model.environment, GPU_MEMORY_FRACTION: String(model.gpuMemoryFraction ?? INFERENCE_MODEL_DEFAULTS.gpuMemoryFraction) };
}

/** The rules of {@link SageMakerEndpointSettings}, each problem naming its field. */
export function sageMakerEndpointSettingsProblems(props: SageMakerEndpointSettings): Problem[] {
  return [
    checkNonEmptyList('variants', props.variants),
    checkUniqueNames('variants', props.variants.map((v) => v.name)),
    checkWholeNumberAtLeast('minCapacity', props.minCapacity, 1),
    checkMinMax('maxCapacity', props.maxCapacity, 'minCapacity', props.minCapacity),
    checkPositive('maxRequestsPerSecond', props.maxRequestsPerSecond),
    checkFraction('safetyFactor', props.safetyFactor),
    ...props.variants.flatMap((v, n) => [
      /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/.test(v.name)
        ? undefined
        : `variants[${n}].name ("${v.name}") must be 1-63 letters, digits and hyphens`,
      checkSageMakerInstanceType(`variants[${n}].instanceType`, v.instanceType),
      BURSTABLE_PREFIXES.some((prefix) => v.instanceType.startsWith(`${prefix}.`))
        ? `variants[${n}].instanceType ("${v.instanceType}") is burstable and cannot autoscale: use e.g. "ml.m5.large"`
        : undefined,
      checkPositive(`variants[${n}].initialVariantWeight`, v.initialVariantWeight),
      checkWholeNumberAtLeast(`variants[${n}].initialInstanceCount`, v.initialInstanceCount, 1),
      checkInRange(`variants[${n}].initialInstanceCount`, v.initialInstanceCount, props.minCapacity, props.maxCapacity),
      checkKeyForStorage(props.customerManagedKey ?? false, `variants[${n}].instanceType`, v.instanceType),
    ]),
  ];
}

/**
 * "If you specify a value for KmsKeyId when using any nitro-based instances with local storage,
 * the call to CreateEndpointConfig fails": their volumes are encrypted by a hardware module on
 * the instance (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateEndpointConfig.html#sagemaker-CreateEndpointConfig-request-KmsKeyId).
 */
function checkKeyForStorage(customerManagedKey: boolean, field: string, instanceType: string): Problem {
  if (!customerManagedKey || Token.isUnresolved(instanceType) || !hasLocalInstanceStorage(instanceType)) return undefined;
  return `customerManagedKey (true) cannot be used with ${field} ("${instanceType}"): its storage is local NVMe, encrypted by the instance's `
    + 'hardware, and CreateEndpointConfig fails when a KmsKeyId is given for it; set customerManagedKey to false, or use a type whose storage is EBS, e.g. "ml.m5.xlarge"';
}

/**
 * Each variant's instance type must have a build of `image` for its processor (a CUDA build on
 * `ml.g5`, a CPU build on `ml.m5`): SageMaker would otherwise run a GPU image on a CPU instance.
 * `imageField` and `variantsField` name the two in the caller's words.
 */
export function sageMakerImageProblems(imageField: string, image: InferenceImage, variantsField: string, variants: readonly SageMakerVariant[]): Problem[] {
  return variants.map((v, n) => checkImageRunsOn(imageField, image, `${variantsField}[${n}].instanceType`, v.instanceType));
}
