import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { TrainingLaunchTemplate, TrainingLaunchTemplateProps } from '../../../lib/constructs/training/training-launch-template';

function synth(props: Partial<TrainingLaunchTemplateProps> = {}): Template {
  const stack = new Stack(new App(), 'Test');
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, restrictDefaultSecurityGroup: false });
  new TrainingLaunchTemplate(stack, 'Template', {
    instanceType: 'g5.xlarge',
    role: new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') }),
    securityGroup: new ec2.SecurityGroup(stack, 'SecurityGroup', { vpc }),
    userData: ec2.UserData.forLinux(),
    ...props,
  });
  return Template.fromStack(stack);
}

describe('TrainingLaunchTemplate', () => {
  const template = synth();

  test('defaults to a 100 GiB encrypted gp3 root volume', () => {
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: {
        BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 100, VolumeType: 'gp3', Encrypted: true, DeleteOnTermination: true } }],
      },
    });
  });

  test('requires IMDSv2 within one hop: a container on a bridge network gets no token', () => {
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: { MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1 } },
    });
  });

  test('turns on detailed monitoring', () => {
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', { LaunchTemplateData: { Monitoring: { Enabled: true } } });
  });

  test('keeps IMDS one hop away: containers cannot reach the instance role', () => {
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: { MetadataOptions: { HttpPutResponseHopLimit: 1 } },
    });
  });

  test('resolves the Deep Learning AMI from its public SSM parameter at deploy time', () => {
    const parameters = template.findParameters('*', {
      Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>',
      Default: '/aws/service/deeplearning/ami/x86_64/base-oss-nvidia-driver-gpu-amazon-linux-2023/latest/ami-id',
    });
    expect(Object.keys(parameters)).toHaveLength(1);
  });

  test('uses the given instance type', () => {
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', { LaunchTemplateData: { InstanceType: 'g5.xlarge' } });
  });

  test('has no network interfaces without EFA', () => {
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: { NetworkInterfaces: Match.absent(), SecurityGroupIds: Match.anyValue() },
    });
  });

  test('with efa, the primary interface is an EFA carrying the security group', () => {
    synth({ instanceType: 'p4d.24xlarge', efa: true }).hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: {
        NetworkInterfaces: [{ DeviceIndex: 0, InterfaceType: 'efa', Groups: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('SecurityGroup'), 'GroupId'] }], DeleteOnTermination: true }],
        SecurityGroupIds: Match.absent(),
      },
    });
  });

  test('takes rootVolumeSizeGiB', () => {
    synth({ rootVolumeSizeGiB: 500 }).hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: { BlockDeviceMappings: [Match.objectLike({ Ebs: Match.objectLike({ VolumeSize: 500 }) })] },
    });
  });

  test.each([
    [{ efa: true }, /efa \(true\) needs an instance type with EFA, and instanceType \("g5\.xlarge"\) has none/],
    [{ instanceType: 'm5.large' }, /instanceType \("m5\.large"\) is not a supported NVIDIA GPU instance type/],
    [{ instanceType: 'p3.2xlarge' }, /instanceType \("p3\.2xlarge"\) has volta GPUs, which the Deep Learning Base OSS Nvidia Driver AMI does not support/],
    [{ rootVolumeSizeGiB: 10 }, /rootVolumeSizeGiB \(10\) must be between 30 and 16384/],
  ])('rejects %o', (props, message) => {
    expect(() => synth(props)).toThrow(message);
  });
});
