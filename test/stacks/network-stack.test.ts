import { Match, Template } from 'aws-cdk-lib/assertions';
import { ENVIRONMENTS } from '../../lib/config';
import { synthStage } from '../helpers/synth-stage';

describe.each(ENVIRONMENTS.map((config) => [config.name, config] as const))('%s Network stack', (_name, config) => {
  const { stage, templates } = synthStage(config);
  const template: Template = templates.Network;

  test('holds the environment\'s one VPC', () => {
    template.resourceCountIs('AWS::EC2::VPC', 1);
  });

  test('has the NAT gateways the config asks for', () => {
    template.resourceCountIs('AWS::EC2::NatGateway', config.network.natGateways);
  });

  test('spans the configured number of AZs without an account or region, resolved at deploy time', () => {
    const zones = Object.values(template.findResources('AWS::EC2::Subnet')).map((s) => JSON.stringify(s.Properties.AvailabilityZone));
    const distinct = [...new Set(zones)];
    expect(distinct).toHaveLength(config.network.maxAzs);
    expect(distinct.every((z) => z.includes('Fn::GetAZs'))).toBe(true);
  });

  test('needs no context lookup', () => {
    expect(stage.synth().manifest.missing).toBeUndefined();
  });

  test('gives no public subnet a public IP on launch', () => {
    template.allResourcesProperties('AWS::EC2::Subnet', { MapPublicIpOnLaunch: false });
  });

  test('encrypts the flow log group with the stack\'s own logs key: a key of another stack would fail CT.CLOUDWATCH.PR.3', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LogsKey'), 'Arn'] } });
  });

  test('keeps S3 traffic off the NAT gateways', () => {
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Gateway' });
  });
});
