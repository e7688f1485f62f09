import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AGENT_NODE_MAJOR } from '../../../lib/constructs/inference/agent-bundling';
import { BAKE_SCRIPT, BakedImage, BakedImageProps } from '../../../lib/constructs/inference/baked-image';
import { InferenceImage } from '../../../lib/constructs/inference/inference-image';
import { DEEP_LEARNING_AMI_PARAMETER } from '../../../lib/gpu/deep-learning-ami';
import { AMAZON_LINUX_2023_PARAMETER } from '../../../lib/gpu/fleet-ami';
import { networkStack } from './fixtures';

function baked(overrides: Partial<BakedImageProps> = {}): { construct: BakedImage; template: Template } {
  const { stack, vpc } = networkStack();
  const construct = new BakedImage(stack, 'Baked', {
    vpc,
    buildInstanceType: 'g5.xlarge',
    servingImage: InferenceImage.fromRegistry('public.ecr.aws/my-org/serving:1.0.0'),
    rootVolumeSizeGiB: 100,
    ...overrides,
  });
  return { construct, template: Template.fromStack(stack) };
}

/** The lines of a script that choose the packages it installs, and its dnf line. */
function packageLines(path: string): string[] {
  return readFileSync(path, 'utf8').split('\n')
    .filter((line) => /^packages(\+)?=|then packages\+=|dnf install /.test(line))
    .map((line) => /(packages.*|dnf install .*?)(?: \\)?$/.exec(line)?.[1] ?? line);
}

describe('BakedImage', () => {
  const { construct, template } = baked();

  test('starts from the Deep Learning AMI by the public SSM parameter the fleet resolves', () => {
    template.hasResourceProperties('AWS::ImageBuilder::ImageRecipe', { ParentImage: `ssm:${DEEP_LEARNING_AMI_PARAMETER}` });
  });

  test('bakes onto an encrypted gp3 root volume of the fleet\'s size', () => {
    template.hasResourceProperties('AWS::ImageBuilder::ImageRecipe', {
      BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 100, VolumeType: 'gp3', Encrypted: true, DeleteOnTermination: true } }],
    });
  });

  test('runs bake.sh with the serving image and the agent\'s Node.js major in its build component', () => {
    const component = Object.values(template.findResources('AWS::ImageBuilder::Component'))[0];
    const document = JSON.parse(component.Properties.Data);
    expect(document.phases[0].name).toBe('build');
    expect(document.phases[0].steps[0]).toEqual({
      name: 'Bake',
      action: 'ExecuteBash',
      inputs: { commands: [`export CONTAINER_IMAGE='public.ecr.aws/my-org/serving:1.0.0' NODE_MAJOR='${AGENT_NODE_MAJOR}' PROCESSOR='gpu'`, readFileSync(BAKE_SCRIPT, 'utf8')] },
    });
  });

  test('installs exactly the packages boot.sh installs, per processor', () => {
    expect(packageLines(BAKE_SCRIPT)).toHaveLength(3);
    expect(packageLines(BAKE_SCRIPT)).toEqual(packageLines(join(__dirname, '../../../lib/runtime/inference/boot.sh')));
  });

  test('is built by CloudFormation during the deploy, without a test instance, and deletes a replaced image\'s AMI and snapshots', () => {
    template.hasResourceProperties('AWS::ImageBuilder::Image', {
      ImageTestsConfiguration: { ImageTestsEnabled: false },
      DeletionSettings: { ExecutionRole: { 'Fn::GetAtt': [Match.stringLikeRegexp('BakedDeletionRole'), 'Arn'] } },
    });
  });

  test('builds on the given instance type in a private subnet, IMDSv2 only, terminating a failed build', () => {
    template.hasResourceProperties('AWS::ImageBuilder::InfrastructureConfiguration', {
      InstanceTypes: ['g5.xlarge'],
      TerminateInstanceOnFailure: true,
      InstanceMetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1 },
      SubnetId: { Ref: Match.stringLikeRegexp('PrivateSubnet1') },
    });
  });

  test('gives the fleet the built image\'s id, read at deploy, never a literal AMI id', () => {
    const imageId = Stack.of(construct).resolve(construct.machineImage.getImage(construct).imageId);
    const [imageLogicalId] = Object.keys(template.findResources('AWS::ImageBuilder::Image'));
    expect(imageId).toEqual({ 'Fn::GetAtt': [imageLogicalId, 'ImageId'] });
  });

  test('lets the build instance pull a private ECR image', () => {
    const { template: ecr } = baked({ servingImage: InferenceImage.fromRegistry('123456789012.dkr.ecr.eu-west-1.amazonaws.com/serving:2.0.0') });
    const policies = Object.values(ecr.findResources('AWS::IAM::Policy'));
    expect(JSON.stringify(policies)).toContain('ecr:BatchGetImage');
  });
});

describe('BakedImage of a CPU fleet', () => {
  const image = InferenceImage.fromDeepLearningContainer('pytorch-inference', { gpu: '2.6.0-gpu-py312-cu124-ubuntu22.04-sagemaker', cpu: '2.6.0-cpu-py312-ubuntu22.04-sagemaker' });
  const { template } = baked({ processor: 'cpu', buildInstanceType: 'c7i.large', servingImage: image });

  test('starts from Amazon Linux 2023 by its public SSM parameter', () => {
    template.hasResourceProperties('AWS::ImageBuilder::ImageRecipe', { ParentImage: `ssm:${AMAZON_LINUX_2023_PARAMETER}` });
  });

  test('bakes the image\'s CPU build, telling bake.sh to install Docker', () => {
    // The registry account is a deploy-time lookup, so the document is an Fn::Join: read it as text.
    const data = JSON.stringify(Object.values(template.findResources('AWS::ImageBuilder::Component'))[0].Properties.Data);
    expect(data).toContain('/pytorch-inference:2.6.0-cpu-py312-ubuntu22.04-sagemaker');
    expect(data).toContain("PROCESSOR='cpu'");
  });

  test('fails on an image without a CPU build, naming it', () => {
    const gpuOnly = InferenceImage.fromDeepLearningContainer('pytorch-inference', '2.6.0-gpu-py312-cu124-ubuntu22.04-sagemaker');
    expect(() => baked({ processor: 'cpu', servingImage: gpuOnly })).toThrow(/has no CPU build for cpu instance types/);
  });
});

describe('BakedImage versions', () => {
  test('follow the serving image: a new reference makes a new recipe version, which rebuilds the image', () => {
    const one = baked().construct.recipeVersion;
    const same = baked().construct.recipeVersion;
    const other = baked({ servingImage: InferenceImage.fromRegistry('public.ecr.aws/my-org/serving:1.0.1') }).construct.recipeVersion;
    expect(same).toBe(one);
    expect(other).not.toBe(one);
    expect(one).toMatch(/^1\.\d+\.\d+$/);
  });

  test('follow the root volume size', () => {
    expect(baked({ rootVolumeSizeGiB: 200 }).construct.recipeVersion).not.toBe(baked().construct.recipeVersion);
  });
});

describe('BakedImage rejects', () => {
  test('a build instance type that is not one', () => {
    expect(() => baked({ buildInstanceType: 'large' })).toThrow(/buildInstanceType \("large"\) must be an EC2 instance type such as "g5.xlarge"/);
  });

  test('a root volume below 30 GiB', () => {
    expect(() => baked({ rootVolumeSizeGiB: 20 })).toThrow(/rootVolumeSizeGiB \(20\) must be between 30 and 16384/);
  });
});
