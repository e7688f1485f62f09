import * as sagemaker from '@aws-cdk/aws-sagemaker-alpha';
import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { CfnModel } from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import { ModelPackageReference, RegisteredModel } from '../inference/registered-model';

/** Props of {@link ModelPackageModel}. */
export interface ModelPackageModelProps {
  /** The Model Registry version to serve. */
  readonly modelPackage: ModelPackageReference;
  /** The model's execution role: it gets read of the version's archive and pulls of its image. */
  readonly role: iam.IRole;
  /** Environment variables of the container. */
  readonly environment: Readonly<Record<string, string>>;
  /** Retention of the resolver's log group. */
  readonly logRetention: logs.RetentionDays;
  /**
   * Customer managed key of the resolver's log group.
   * @default - CloudWatch Logs' own encryption at rest
   */
  readonly logEncryptionKey?: kms.IKey;
  /**
   * What happens to the resolver's log group when it leaves the app.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * VPC to place the container in.
   * @default - no VPC: SageMaker's managed network
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Subnets of the container in `vpc`.
   * @default - the VPC's private subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
}

/**
 * A SageMaker model of a Model Registry version, resolved at deploy (`RegisteredModel`): its
 * container names the version (ModelPackageName) and SageMaker takes the image and the model data
 * from the version itself ("The name or Amazon Resource Name (ARN) of the model package to use to
 * create the model", https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ContainerDefinition.html#sagemaker-Type-ContainerDefinition-ModelPackageName;
 * https://docs.aws.amazon.com/sagemaker/latest/dg/model-registry-deploy.html). A newly resolved
 * version replaces the model, and so the endpoint config the endpoint is updated to. L1: the
 * alpha Model takes only an image and model data.
 */
export class ModelPackageModel extends Construct {
  /** The model, for an endpoint config's variants. */
  public readonly model: sagemaker.IModel;
  /** The resolved version. */
  public readonly registered: RegisteredModel;

  constructor(scope: Construct, id: string, props: ModelPackageModelProps) {
    super(scope, id);
    this.registered = new RegisteredModel(this, 'ModelPackage', {
      modelPackage: props.modelPackage,
      logRetention: props.logRetention,
      logEncryptionKey: props.logEncryptionKey,
      removalPolicy: props.removalPolicy,
    });
    // SageMaker reads the archive and pulls the image with the execution role.
    this.registered.grantReadArchive(props.role);
    this.registered.image.bind(this, props.role, 'gpu');
    const securityGroup = props.vpc && new ec2.SecurityGroup(this, 'SecurityGroup', { vpc: props.vpc, description: 'SageMaker model containers', allowAllOutbound: true });
    const model = new CfnModel(this, 'Resource', {
      executionRoleArn: props.role.roleArn,
      primaryContainer: { modelPackageName: this.registered.modelPackageArn, environment: { ...props.environment } },
      vpcConfig: props.vpc && securityGroup
        ? { securityGroupIds: [securityGroup.securityGroupId], subnets: props.vpc.selectSubnets(props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }).subnetIds }
        : undefined,
    });
    model.node.addDependency(props.role);
    this.model = sagemaker.Model.fromModelName(this, 'Model', model.attrModelName);
  }
}
