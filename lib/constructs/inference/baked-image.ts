import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Names, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as imagebuilder from 'aws-cdk-lib/aws-imagebuilder';
import { Construct } from 'constructs';
import { fleetAmiParameter } from '../../gpu/fleet-ami';
import { FLEET_PROCESSOR_LABELS, FleetProcessor } from '../../gpu/fleet-processor';
import { checkInRange, throwIfProblems } from '../../validation';
import { BakedImageSettings, bakedImageSettingsProblems } from './baked-image-settings';
import { AGENT_NODE_MAJOR } from './agent-bundling';
import { InferenceImage } from './inference-image';

/** The script the build component runs (packages and the image pull, as boot.sh does them). */
export const BAKE_SCRIPT = join(__dirname, '../../runtime/inference/bake.sh');

/** Props of {@link BakedImage}. */
export interface BakedImageProps extends BakedImageSettings {
  /** Instance type of the build (the settings' default resolved by the caller: the fleet's first type). */
  readonly buildInstanceType: string;
  /** The VPC the build instance runs in; it needs egress to the package repositories and the registry. */
  readonly vpc: ec2.IVpc;
  /**
   * Subnets for the build instance (the first is used).
   * @default - the VPC's private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /** The serving image pulled into the AMI (its build for `processor`). */
  readonly servingImage: InferenceImage;
  /**
   * What the fleet computes on: the parent image (the Deep Learning AMI, or Amazon Linux 2023 with
   * Docker installed) and the serving image's build.
   * @default 'gpu'
   */
  readonly processor?: FleetProcessor;
  /** Size of the AMI's encrypted gp3 root volume: the fleet's root volume, which may not be smaller. */
  readonly rootVolumeSizeGiB: number;
}

/** `major.minor.patch` from a digest of what the version describes: Image Builder versions are immutable. */
function versionOf(...parts: unknown[]): string {
  const digest = createHash('sha256').update(JSON.stringify(parts)).digest();
  // Each node is at most 2^30 - 1; 28 bits of the digest per node.
  return `1.${digest.readUInt32BE(0) >>> 4}.${digest.readUInt32BE(4) >>> 4}`;
}

/**
 * The fleet's boot image baked with EC2 Image Builder
 * (https://docs.aws.amazon.com/imagebuilder/latest/userguide/what-is-image-builder.html): the AMI
 * the fleet would boot (the Deep Learning AMI, or Amazon Linux 2023 for a CPU fleet), by the public
 * SSM parameter the fleet resolves (`ssm:` parent image), plus a build component running bake.sh
 * (the packages boot.sh installs, the serving image pulled), on an encrypted gp3 root volume of the
 * fleet's size.
 *
 * CloudFormation builds the image during the deploy (AWS::ImageBuilder::Image), and the fleet's
 * launch template reads its ImageId there, never a hard-coded AMI id. Component and recipe
 * versions are digests of what they hold, so a new serving image reference makes a new recipe, a
 * new image (rebuilt in the deploy that changes it, which then takes the build's minutes) and an
 * instance refresh; DeletionSettings delete the replaced image's AMI and snapshots. A pipeline
 * publishing to an SSM parameter would reach the fleet only a deploy later: CloudFormation
 * resolves SSM parameters when a stack operation starts. The DLAMI is the one current at build:
 * the baked image keeps it until the next rebuild.
 *
 * L1s: aws-cdk-lib 2.276.0 has no Image Builder L2 (only the experimental alpha package).
 * Cost: Image Builder is free; each build runs `buildInstanceType` on demand for its minutes, and
 * the AMI's EBS snapshot is billed per GB-month stored (one image at a time).
 */
export class BakedImage extends Construct {
  /** The AMI the fleet boots, read from the build at deploy time. */
  public readonly machineImage: ec2.IMachineImage;
  /** Version of the recipe: changes when the serving image or the bake changes. */
  public readonly recipeVersion: string;
  /** The build instance's role. */
  public readonly buildRole: iam.IRole;

  constructor(scope: Construct, id: string, props: BakedImageProps) {
    super(scope, id);
    throwIfProblems(...bakedImageSettingsProblems(props), checkInRange('rootVolumeSizeGiB', props.rootVolumeSizeGiB, 30, 16_384));
    const stack = Stack.of(this);
    const processor = props.processor ?? 'gpu';
    const label = FLEET_PROCESSOR_LABELS[processor];
    const name = Names.uniqueResourceName(this, { maxLength: 100, separator: '-' }).toLowerCase();

    const role = new iam.Role(this, 'BuildRole', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: `EC2 Image Builder build instance of the ${label} fleet image`,
      managedPolicies: ['AmazonSSMManagedInstanceCore', 'EC2InstanceProfileForImageBuilder'].map((policy) => iam.ManagedPolicy.fromAwsManagedPolicyName(policy)),
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore]',
      reason: 'Image Builder runs its build through Systems Manager: AWS documents this managed policy for the build instance profile.',
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/EC2InstanceProfileForImageBuilder]',
      reason: 'The managed policy AWS documents for Image Builder build instances (components, logs).',
    });
    this.buildRole = role;
    const image = props.servingImage.bind(this, role, processor);
    const pullPolicy = role.node.tryFindChild('DefaultPolicy');
    if (pullPolicy) {
      Validations.of(pullPolicy).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'ecr:GetAuthorizationToken, which the build needs to pull the serving image, has no resource-level permissions; the pull itself is limited to the image\'s repository.',
      });
    }
    const profile = new iam.InstanceProfile(this, 'BuildProfile', { role });

    const data = stack.toJsonString({
      name: 'ai-inference-runtime',
      description: 'Installs the packages boot.sh installs and pulls the serving image',
      schemaVersion: 1.0,
      phases: [{
        name: 'build',
        steps: [{
          name: 'Bake',
          action: 'ExecuteBash',
          inputs: { commands: [`export CONTAINER_IMAGE='${image.imageUri}' NODE_MAJOR='${AGENT_NODE_MAJOR}' PROCESSOR='${processor}'`, readFileSync(BAKE_SCRIPT, 'utf8')] },
        }],
      }],
    });
    const component = new imagebuilder.CfnComponent(this, 'Component', {
      name,
      platform: 'Linux',
      version: versionOf(stack.resolve(data)),
      description: `ai-infra ${label} inference runtime: packages and the serving image`,
      data,
    });

    const recipeProps = {
      parentImage: `ssm:${fleetAmiParameter(processor)}`,
      blockDeviceMappings: [{
        deviceName: '/dev/xvda',
        ebs: { volumeSize: props.rootVolumeSizeGiB, volumeType: 'gp3', encrypted: true, deleteOnTermination: true },
      }],
    };
    this.recipeVersion = versionOf(component.version, recipeProps);
    const recipe = new imagebuilder.CfnImageRecipe(this, 'Recipe', {
      name,
      version: this.recipeVersion,
      components: [{ componentArn: component.attrArn }],
      ...recipeProps,
    });

    const securityGroup = new ec2.SecurityGroup(this, 'BuildSecurityGroup', {
      vpc: props.vpc,
      description: 'Image Builder build instance: HTTPS out to the package repositories and the registry',
      allowAllOutbound: true,
    });
    const infrastructure = new imagebuilder.CfnInfrastructureConfiguration(this, 'Infrastructure', {
      name,
      instanceProfileName: profile.instanceProfileName,
      instanceTypes: [props.buildInstanceType],
      subnetId: props.vpc.selectSubnets(props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }).subnetIds[0],
      securityGroupIds: [securityGroup.securityGroupId],
      terminateInstanceOnFailure: true,
      instanceMetadataOptions: { httpTokens: 'required', httpPutResponseHopLimit: 1 },
    });

    // Deletes the AMI and snapshots of an image CloudFormation replaces or deletes
    // (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-imagebuilder-image-deletionsettings.html);
    // the managed policy acts only on resources Image Builder created (its CreatedBy tag).
    const deletionRole = new iam.Role(this, 'DeletionRole', {
      assumedBy: new iam.ServicePrincipal('imagebuilder.amazonaws.com'),
      description: 'Lets Image Builder delete the AMI and snapshots of a replaced fleet image',
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/EC2ImageBuilderLifecycleExecutionPolicy')],
    });
    Validations.of(deletionRole).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/EC2ImageBuilderLifecycleExecutionPolicy]',
      reason: 'AWS\'s managed policy for Image Builder deleting images and their AMIs and snapshots, limited to resources tagged CreatedBy: EC2 Image Builder.',
    });

    const built = new imagebuilder.CfnImage(this, 'Image', {
      imageRecipeArn: recipe.attrArn,
      infrastructureConfigurationArn: infrastructure.attrArn,
      // The recipe has no test component: a test stage would only launch a second instance.
      imageTestsConfiguration: { imageTestsEnabled: false },
      deletionSettings: { executionRole: deletionRole.roleArn },
    });
    const imageId = built.attrImageId;
    this.machineImage = { getImage: () => ({ imageId, osType: ec2.OperatingSystemType.LINUX, userData: ec2.UserData.forLinux() }) };
  }
}
