import { join } from 'node:path';
import { Aws, CfnParameter, CustomResource, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { exemptFromControlTower } from '../../compliance/control-tower-exemption';
import { logRetentionUnderAYear } from '../../compliance/shared-exemptions';
import { LATEST_APPROVED, MODEL_PACKAGE_ATTRIBUTES, ModelPackageProperties, ResolvedModelPackage } from '../../runtime/model-package/contract';
import { sourceEntry } from '../../source-entry';
import { Problem, throwIfProblems, withPath } from '../../validation';
import { acknowledgeWildcards, resourceFinding } from '../training/nag-findings';
import { InferenceImage, InferenceImageConfig } from './inference-image';
import { ServedModel } from './served-model';

/** A version of a SageMaker Model Registry model package group: plain values an environment config holds. */
export interface ModelPackageReference {
  /**
   * The model package group, in the deploy account and region. MLflow's automatic registration
   * names it `<registered model name>-<suffix>` (docs/registered-models.md).
   */
  readonly groupName: string;
  /**
   * The version to serve: a version number of the group (1, 2, ...), or `'latest-approved'`, the
   * newest version whose approval status is Approved, resolved again at each deploy
   * (docs/registered-models.md). A numbered version must be Approved too.
   */
  readonly version: number | typeof LATEST_APPROVED;
}

/** Name of the stack parameter whose every new value makes the deploy resolve `latest-approved` again. */
export const MODEL_PACKAGE_REFRESH_PARAMETER = 'ModelPackageRefresh';

/** A model package group name, as ListModelPackages and DescribeModelPackage accept it. */
const GROUP_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

/** The rules of {@link ModelPackageReference}, each problem naming its field. */
export function modelPackageReferenceProblems(reference: ModelPackageReference): Problem[] {
  const { groupName, version } = reference;
  const versionProblem = (): Problem => {
    if (version === LATEST_APPROVED || Token.isUnresolved(version) || (Number.isInteger(version) && version >= 1)) return undefined;
    if (typeof version === 'string' && /^\d+$/.test(version)) return `version ("${version}") must be a number, not a string: write ${version}, or '${LATEST_APPROVED}'`;
    return `version (${JSON.stringify(version)}) must be a whole number >= 1 (a version of the group) or '${LATEST_APPROVED}' (the newest Approved version)`;
  };
  return [
    Token.isUnresolved(groupName) || GROUP_NAME.test(groupName)
      ? undefined
      : `groupName ("${groupName}") must be a model package group name: 1-63 letters, digits and hyphens, starting and ending with a letter or digit`,
    versionProblem(),
  ];
}

/** Props of {@link RegisteredModel}. */
export interface RegisteredModelProps {
  /** The model package group and version to serve. */
  readonly modelPackage: ModelPackageReference;
  /** Retention of the resolver's log group. */
  readonly logRetention: logs.RetentionDays;
  /**
   * Customer managed key the resolver's log group is encrypted with (CT.CLOUDWATCH.PR.3).
   * @default - CloudWatch Logs' own encryption at rest, no customer managed key
   */
  readonly logEncryptionKey?: kms.IKey;
  /**
   * What happens to the resolver's log group when it leaves the app.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** The image a model package names, known at deploy: one image for every instance type. */
class ModelPackageImage extends InferenceImage {
  constructor(public readonly description: string, private readonly uri: string, private readonly repositoryArn: string, private readonly repositoryName: string) {
    super();
  }

  public problem(): Problem {
    return undefined;
  }

  public buildFor(): string {
    return this.uri;
  }

  public bind(scope: Construct, grantee: iam.IGrantable): InferenceImageConfig {
    const id = 'ModelPackageImageRepository';
    const repository = (scope.node.tryFindChild(id) as ecr.IRepository | undefined)
      ?? ecr.Repository.fromRepositoryAttributes(scope, id, { repositoryArn: this.repositoryArn, repositoryName: this.repositoryName });
    repository.grantPull(grantee);
    return { imageUri: this.uri, repository };
  }
}

/**
 * A SageMaker Model Registry version, resolved at deploy by a custom resource (a Lambda behind
 * CDK's provider framework, `lib/runtime/model-package/`) to its model archive and serving image
 * (`InferenceSpecification.Containers[0]`): the version named, or with `'latest-approved'` the
 * newest Approved one. A new version is a new physical resource, and its values reach the user
 * data, the launch template's `model-version` tag and the SageMaker model, so a deploy that
 * resolves a new version rolls the fleet and the endpoint. `'latest-approved'` adds the stack
 * parameter {@link MODEL_PACKAGE_REFRESH_PARAMETER}: a deploy resolves again only when its value
 * changes (CloudFormation updates a resource only when its properties change), so give it a new
 * value per deploy (the deploy workflow passes its run id). Grants read only the resolved archive
 * object and pulls only the resolved repository.
 */
export class RegisteredModel extends Construct implements ServedModel {
  public readonly name: string;
  public readonly version: string;
  public readonly archiveUrl: string;
  public readonly image: InferenceImage;
  public readonly description: string;
  /** The resolved version's ARN: a SageMaker model's ModelPackageName. */
  public readonly modelPackageArn: string;
  private readonly archiveObjectArn: string;

  constructor(scope: Construct, id: string, props: RegisteredModelProps) {
    super(scope, id);
    throwIfProblems(...withPath('modelPackage', modelPackageReferenceProblems(props.modelPackage)));
    const { groupName, version } = props.modelPackage;
    const stack = Stack.of(this);

    const logGroup = new logs.LogGroup(this, 'ResolverLogs', {
      retention: props.logRetention,
      encryptionKey: props.logEncryptionKey,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    exemptFromControlTower(this, logGroup, logRetentionUnderAYear(props.logRetention));
    const role = new iam.Role(this, 'ResolverRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Resolves model package group ${groupName} to its version, archive and image`,
    });
    logGroup.grantWrite(role);
    // ListModelPackages supports no resource-level permissions; DescribeModelPackage is evaluated on
    // model-package/<group name>/<version>, the name as written (Service Authorization Reference:
    // https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemaker.html).
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sagemaker:ListModelPackages'], resources: ['*'] }));
    const versions = stack.formatArn({ service: 'sagemaker', resource: 'model-package', resourceName: `${groupName}/*` });
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sagemaker:DescribeModelPackage'], resources: [versions] }));
    acknowledgeWildcards(role, ['Resource::*'], 'sagemaker:ListModelPackages supports no resource-level permissions; it returns names and statuses, and the role may describe only the versions of its one group.');
    acknowledgeWildcards(role, [resourceFinding(role, versions)], `The versions of model package group ${groupName}, numbered as they are registered: the one to serve is known only at deploy.`);

    const resolver = new nodejs.NodejsFunction(this, 'Resolver', {
      entry: sourceEntry(join(__dirname, '..', '..', 'runtime', 'model-package', 'index')),
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.minutes(2),
      role,
      logGroup,
      description: `Resolves model package group ${groupName} (${version}) at deploy`,
      bundling: { forceDockerBundling: false, minify: true, sourceMap: false },
    });
    // The provider framework's function gets a role of its own, without the AWS managed basic execution policy.
    const frameworkRole = new iam.Role(this, 'ProviderRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'CDK provider framework: invokes the model package resolver for CloudFormation',
    });
    logGroup.grantWrite(frameworkRole);
    const provider = new cr.Provider(this, 'Provider', { onEventHandler: resolver, frameworkOnEventRole: frameworkRole, logGroup });
    acknowledgeWildcards(frameworkRole, [resourceFinding(frameworkRole, `${resolver.functionArn}:*`)], 'grantInvoke covers the resolver function and its versions; the role invokes nothing else.');
    for (const fn of [resolver, provider.node.findChild('framework-onEvent')]) {
      exemptFromControlTower(this, fn, {
        control: 'CT.LAMBDA.PR.3',
        reason: 'The model package resolver and its provider framework call only the SageMaker and Lambda APIs at deploy and reach nothing inside the VPC; '
          + 'attaching them would route those calls through the NAT gateway and give their roles ec2:CreateNetworkInterface.',
      });
    }

    const properties: ModelPackageProperties = {
      GroupName: groupName,
      Version: String(version),
      ...(version === LATEST_APPROVED ? { Refresh: refreshParameter(stack).valueAsString } : {}),
    };
    const resource = new CustomResource(this, 'Resource', { serviceToken: provider.serviceToken, resourceType: 'Custom::ModelPackageVersion', properties: { ...properties } });
    const attribute = (field: keyof ResolvedModelPackage) => resource.getAttString(MODEL_PACKAGE_ATTRIBUTES[field]);

    this.name = groupName;
    this.version = attribute('version');
    this.archiveUrl = attribute('modelDataUrl');
    this.modelPackageArn = attribute('modelPackageArn');
    this.description = `model package group ${groupName} (${version === LATEST_APPROVED ? 'the latest approved version' : `version ${version}`})`;
    this.image = new ModelPackageImage(`the image of ${this.description}`, attribute('image'), attribute('imageRepositoryArn'), attribute('imageRepositoryName'));
    this.archiveObjectArn = `arn:${Aws.PARTITION}:s3:::${attribute('artifactBucket')}/${attribute('artifactKey')}`;
  }

  /** Lets `grantee` download the resolved archive: s3:GetObject on that one object. */
  public grantReadArchive(grantee: iam.IGrantable): void {
    iam.Grant.addToPrincipal({ grantee, actions: ['s3:GetObject'], resourceArns: [this.archiveObjectArn] });
  }
}

/** The stack's {@link MODEL_PACKAGE_REFRESH_PARAMETER}, created by the first model that needs it. */
function refreshParameter(stack: Stack): CfnParameter {
  return (stack.node.tryFindChild(MODEL_PACKAGE_REFRESH_PARAMETER) as CfnParameter | undefined) ?? new CfnParameter(stack, MODEL_PACKAGE_REFRESH_PARAMETER, {
    type: 'String',
    default: 'first-deploy',
    description: "A new value makes the deploy resolve each 'latest-approved' model package again (the deploy workflow passes its run id)",
  });
}
