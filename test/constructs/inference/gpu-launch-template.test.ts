import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { GpuLaunchTemplate } from '../../../lib/constructs/inference/gpu-launch-template';
import { DEEP_LEARNING_AMI_PARAMETER } from '../../../lib/gpu/deep-learning-ami';
import { networkStack } from './fixtures';

/** A stack with a VPC and a security group for the launch template. */
function withSecurityGroup(): { stack: ReturnType<typeof networkStack>['stack']; securityGroup: ec2.SecurityGroup } {
  const { stack, vpc } = networkStack();
  return { stack, securityGroup: new ec2.SecurityGroup(stack, 'Sg', { vpc }) };
}

describe('GpuLaunchTemplate', () => {
  const { stack, securityGroup } = withSecurityGroup();
  new GpuLaunchTemplate(stack, 'Template', { securityGroup, userData: ec2.UserData.forLinux(), rootVolumeSizeGiB: 120 });
  const template = Template.fromStack(stack);

  test('the AMI is the Deep Learning OSS Nvidia AMI on AL2023, resolved from its public SSM parameter at deploy', () => {
    expect(DEEP_LEARNING_AMI_PARAMETER).toBe('/aws/service/deeplearning/ami/x86_64/base-oss-nvidia-driver-gpu-amazon-linux-2023/latest/ami-id');
    const parameters = template.findParameters('*', { Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>', Default: DEEP_LEARNING_AMI_PARAMETER });
    const [name] = Object.keys(parameters);
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', { LaunchTemplateData: { ImageId: { Ref: name } } });
  });

  test('requires IMDSv2 with a hop limit of 1: containers cannot reach the instance role', () => {
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: { MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1 } },
    });
  });

  test('the root volume is encrypted gp3 of the configured size', () => {
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: {
        BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { Encrypted: true, VolumeType: 'gp3', VolumeSize: 120, DeleteOnTermination: true } }],
      },
    });
  });

  test('enables detailed monitoring', () => {
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', { LaunchTemplateData: { Monitoring: { Enabled: true } } });
  });

  test('leaves the instance type to the mixed instances policy', () => {
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', { LaunchTemplateData: { InstanceType: Match.absent() } });
  });

  test('the role starts with SSM core only', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'ec2.amazonaws.com' } })] },
      ManagedPolicyArns: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AmazonSSMManagedInstanceCore']] }],
    });
    template.resourceCountIs('AWS::IAM::Policy', 0);
  });

  test('the AMI and the root volume size have overridable defaults', () => {
    const { stack: other, securityGroup: sg } = withSecurityGroup();
    const machineImage = ec2.MachineImage.genericLinux({ 'us-east-1': 'ami-0123456789abcdef0' });
    new GpuLaunchTemplate(other, 'Custom', { securityGroup: sg, userData: ec2.UserData.forLinux(), machineImage, rootVolumeSizeGiB: 100 });
    new GpuLaunchTemplate(other, 'Stock', { securityGroup: sg, userData: ec2.UserData.forLinux(), rootVolumeSizeGiB: 100 });
    const launchTemplates = Object.entries(Template.fromStack(other).findResources('AWS::EC2::LaunchTemplate'));
    const data = (prefix: string) => launchTemplates.find(([id]) => id.startsWith(prefix))?.[1].Properties.LaunchTemplateData;
    expect(data('Custom').ImageId).toEqual({ 'Fn::FindInMap': expect.any(Array) });
    expect(data('Stock').ImageId).toEqual({ Ref: expect.stringMatching(/^SsmParameterValue/) });
    expect(data('Stock').BlockDeviceMappings[0].Ebs.VolumeSize).toBe(100);
  });

  test('rejects a root volume below 30 GiB', () => {
    const { stack: other, securityGroup: sg } = withSecurityGroup();
    expect(() => new GpuLaunchTemplate(other, 'Template', { securityGroup: sg, userData: ec2.UserData.forLinux(), rootVolumeSizeGiB: 8 })).toThrow(
      /rootVolumeSizeGiB \(8\) must be between 30 and 16384/,
    );
  });
});
