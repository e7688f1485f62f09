import * as sagemaker from '@aws-cdk/aws-sagemaker-alpha';
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  checkFraction, checkInRange, checkMinMax, checkNonEmptyList, checkNotEmpty, checkPositive, checkSageMakerInstanceType,
  checkUniqueNames, checkWholeNumberAtLeast, Problem, throwIfProblems,
} from '../../validation';
import { acknowledgeWildcards } from './nag-findings';
import { TrainingBuckets } from './training-buckets';
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
  /** Execution role of the model; it must already read `modelDataKey` and pull from `repository`. */
  readonly role: iam.IRole;
  /** Bucket of the model data. */
  readonly artifactBucket: s3.IBucket;
  /** Key of the model archive in `artifactBucket`, under `models/`. */
  readonly modelDataKey: string;
  /** ECR repository of the serving image. */
  readonly repository: ecr.IRepository;
  /** Tag of the serving image. */
  readonly imageTag: string;
  /** Production variants; several split traffic by weight (A/B). */
  readonly variants: readonly SageMakerVariant[];
  /** Fewest instances per variant. */
  readonly minCapacity: number;
  /** Most instances per variant. */
  readonly maxCapacity: number;
  /** Requests per second one instance sustains at peak (from a load test). */
  readonly maxRequestsPerSecond: number;
  /**
   * Share of maxRequestsPerSecond the invocations-per-instance target is set to, (0-1].
   * @default 0.5
   */
  readonly safetyFactor?: number;
  /**
   * Encrypt the instances' storage volumes with a customer managed KMS key (rotated yearly).
   * @default false - SageMaker's AWS managed key
   */
  readonly customerManagedKey?: boolean;
  /**
   * Removal policy of the customer managed key.
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

/** Instance families Application Auto Scaling cannot scale on SageMaker. */
const BURSTABLE_PREFIXES = ['ml.t2', 'ml.t3'];

/**
 * A SageMaker real-time endpoint: a model from an ECR image and S3 model data, an endpoint
 * config with the given production variants, the endpoint, and per-variant autoscaling on
 * invocations per instance (target = maxRequestsPerSecond x safetyFactor x 60).
 */
export class SageMakerEndpoint extends Construct {
  /** The model. */
  public readonly model: sagemaker.Model;
  /** The endpoint config. */
  public readonly endpointConfig: sagemaker.EndpointConfig;
  /** The endpoint. */
  public readonly endpoint: sagemaker.Endpoint;
  /** The storage volume key, when `customerManagedKey` is set. */
  public readonly encryptionKey?: kms.Key;

  constructor(scope: Construct, id: string, props: SageMakerEndpointProps) {
    super(scope, id);
    const safetyFactor = props.safetyFactor ?? 0.5;
    throwIfProblems(...validate(props, safetyFactor));

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

    // The role's own policy grants the model data prefix and the repository; the alpha module's
    // grants (read on the whole bucket) are dropped by handing it an immutable reference.
    const role = iam.Role.fromRoleArn(this, 'ExecutionRole', props.role.roleArn, { mutable: false });
    this.model = new sagemaker.Model(this, 'Model', {
      role,
      containers: [
        {
          image: sagemaker.ContainerImage.fromEcrRepository(props.repository, props.imageTag),
          modelData: sagemaker.ModelData.fromBucket(props.artifactBucket, props.modelDataKey),
        },
      ],
      vpc: props.vpc,
      vpcSubnets: props.vpc ? (props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }) : undefined,
    });
    this.model.node.addDependency(props.role);

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
        model: this.model,
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
      scalable.scaleOnInvocations('Invocations', { maxRequestsPerSecond: props.maxRequestsPerSecond, safetyFactor });
      scalable.node.addDependency(this.endpoint);
    }
  }
}

function validate(props: SageMakerEndpointProps, safetyFactor: number): Problem[] {
  return [
    checkNotEmpty('imageTag', props.imageTag),
    props.modelDataKey.startsWith(TrainingBuckets.MODEL_PREFIX)
      ? undefined
      : `modelDataKey ("${props.modelDataKey}") must start with "${TrainingBuckets.MODEL_PREFIX}": the execution role reads only that prefix`,
    checkNonEmptyList('variants', props.variants),
    checkUniqueNames('variants', props.variants.map((v) => v.name)),
    checkWholeNumberAtLeast('minCapacity', props.minCapacity, 1),
    checkMinMax('maxCapacity', props.maxCapacity, 'minCapacity', props.minCapacity),
    checkPositive('maxRequestsPerSecond', props.maxRequestsPerSecond),
    checkFraction('safetyFactor', safetyFactor),
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
    ]),
  ];
}
