import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { GpuFleet, GpuFleetProps } from '../../../lib/constructs/inference/gpu-fleet';
import { DEEP_LEARNING_AMI_PARAMETER } from '../../../lib/gpu/deep-learning-ami';
import { AMAZON_LINUX_2023_PARAMETER } from '../../../lib/gpu/fleet-ami';
import { fleetProps, networkStack } from './fixtures';

const CPU_TYPES = ['c6i.large', 'c7i.large', 'm7i.large'];

function newFleet(overrides: Partial<GpuFleetProps> = {}): GpuFleet {
  const { stack, vpc } = networkStack();
  return new GpuFleet(stack, 'Fleet', { ...fleetProps(vpc), instanceTypes: CPU_TYPES, ...overrides });
}

describe('GpuFleet of CPU instance types', () => {
  const fleet = newFleet();
  const stack = Stack.of(fleet);
  const template = Template.fromStack(stack);
  const amiParameters = () => Object.values(template.findParameters('*', { Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>' })).map((p) => p.Default);

  test('is a CPU fleet', () => {
    expect(fleet.processor).toBe('cpu');
  });

  test('mixes the CPU types, most preferred first', () => {
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      MixedInstancesPolicy: { LaunchTemplate: { Overrides: CPU_TYPES.map((type) => ({ InstanceType: type })) } },
    });
  });

  test('boots plain Amazon Linux 2023 from its public SSM parameter, never the Deep Learning AMI', () => {
    expect(AMAZON_LINUX_2023_PARAMETER).toBe('/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64');
    expect(amiParameters()).toEqual([AMAZON_LINUX_2023_PARAMETER]);
    expect(amiParameters()).not.toContain(DEEP_LEARNING_AMI_PARAMETER);
  });

  test('tags its group with the Amazon Linux boot image and its expected boot time', () => {
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      Tags: Match.arrayWith([
        { Key: 'ai-infra:boot-image', Value: 'amazonLinux2023', PropagateAtLaunch: false },
        { Key: 'ai-infra:expected-boot-seconds', Value: '300', PropagateAtLaunch: false },
      ]),
    });
  });

  test('its role may not read tags: its CloudWatch agent publishes no metric that needs the group dimension', () => {
    expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).not.toContain('ec2:DescribeTags');
  });

  test('keeps detailed monitoring, which gives CPUUtilization one datapoint a minute', () => {
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', { LaunchTemplateData: Match.objectLike({ Monitoring: { Enabled: true } }) });
  });

  test('metricUtilization() is EC2\'s CPUUtilization average of the group, per minute', () => {
    const config = fleet.metricUtilization().toMetricConfig().metricStat;
    expect(config).toMatchObject({ namespace: 'AWS/EC2', metricName: 'CPUUtilization', statistic: 'Average' });
    expect(config?.period.toSeconds()).toBe(60);
    expect(stack.resolve(config?.dimensions)).toEqual([
      { name: 'AutoScalingGroupName', value: stack.resolve(fleet.autoScalingGroup.autoScalingGroupName) },
    ]);
  });

  test('metricGpuUtilization() throws, naming the fleet and the metric to use', () => {
    expect(() => fleet.metricGpuUtilization()).toThrow(/Test\/Fleet runs CPU instance types, which publish no GPUUtilization: use metricUtilization\(\)/);
  });
});

describe('GpuFleet of GPU instance types', () => {
  test('metricUtilization() is the GPU utilization its instances publish', () => {
    const fleet = newFleet({ instanceTypes: ['g5.xlarge'] });
    expect(fleet.processor).toBe('gpu');
    expect(fleet.metricUtilization().toMetricConfig().metricStat).toMatchObject({ namespace: 'AI/Custom', metricName: 'GPUUtilization' });
  });
});

describe('GpuFleet instance types reject', () => {
  test('GPU and CPU types in one fleet, listing both', () => {
    expect(() => newFleet({ instanceTypes: ['g5.xlarge', 'c7i.large'] })).toThrow(
      /instanceTypes mixes NVIDIA GPU types \(g5\.xlarge\) and CPU types \(c7i\.large\): a fleet boots one AMI and runs one build of its serving image, so list GPU types only or CPU types only/,
    );
  });

  test('a Graviton type, which the x86_64 AMI and image cannot run', () => {
    expect(() => newFleet({ instanceTypes: ['c7i.large', 'c7g.large'] })).toThrow(
      /instanceTypes\[1\] \("c7g\.large"\) is an AWS Graviton \(arm64\) type, .*: use an Intel or AMD type, e\.g\. c7i\.large/,
    );
  });

  test('an Inferentia type', () => {
    expect(() => newFleet({ instanceTypes: ['inf2.xlarge'] })).toThrow(
      /instanceTypes\[0\] \("inf2\.xlarge"\) carries Inferentia, Trainium, Gaudi or AMD accelerators, .*: use NVIDIA GPU types \(e\.g\. g5\.xlarge\) or CPU types \(e\.g\. c7i\.large\)/,
    );
  });

  test('a name that is no instance type', () => {
    expect(() => newFleet({ instanceTypes: ['c7i-large'] })).toThrow(/instanceTypes\[0\] \("c7i-large"\) is not an EC2 instance type name: use family\.size, e\.g\. c7i\.large/);
  });

  test('a spot max price above a CPU type\'s on-demand price', () => {
    expect(() => newFleet({ spotMaxPriceUsdPerHour: 0.5 })).toThrow(/spotMaxPriceUsdPerHour \(0.5\) must be below the on-demand price of every instance type \(c6i\.large costs 0\.085 USD\/hour/);
  });
});
