import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { Defaults, withDefaults } from '../../defaults';
import { exemptFromControlTower } from '../../compliance/control-tower-exemption';
import { logRetentionUnderAYear } from '../../compliance/shared-exemptions';
import { Problem, checkInRange, throwIfProblems } from '../../validation';

/** The shape of an environment's VPC: plain values an environment config holds. */
export interface NetworkSettings {
  /** Availability Zones the VPC spans (1-6); the region must have at least this many. */
  readonly maxAzs: number;
  /** NAT gateways (1 to maxAzs): 1 is cheapest, one per AZ survives an AZ outage. */
  readonly natGateways: number;
  /**
   * IPv4 range of the VPC.
   * @default '10.0.0.0/16'
   */
  readonly cidr?: string;
}

/** The defaults of {@link NetworkSettings}. */
export const NETWORK_DEFAULTS: Defaults<NetworkSettings> = { cidr: '10.0.0.0/16' };

/** Props of {@link EnvironmentNetwork}. */
export interface EnvironmentNetworkProps extends NetworkSettings {
  /** Retention of the VPC flow log group. */
  readonly flowLogRetention: logs.RetentionDays;
  /**
   * Customer managed key the flow log group is encrypted with (CT.CLOUDWATCH.PR.3).
   * @default - CloudWatch Logs' own encryption at rest, no customer managed key
   */
  readonly flowLogEncryptionKey?: kms.IKey;
  /**
   * What happens to the flow log group when it leaves the app.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** The rules of {@link NetworkSettings}, each problem naming its field. */
export function networkSettingsProblems(settings: NetworkSettings): Problem[] {
  const { cidr } = settings;
  const prefix = Number(/^(?:\d{1,3}\.){3}\d{1,3}\/(\d{1,2})$/.exec(cidr ?? '')?.[1]);
  return [
    checkInRange('maxAzs', settings.maxAzs, 1, 6),
    checkInRange('natGateways', settings.natGateways, 1, settings.maxAzs),
    cidr === undefined || (prefix >= 16 && prefix <= 20)
      ? undefined
      : `cidr ("${cidr}") must be an IPv4 range from /16 to /20, e.g. "10.0.0.0/16": each AZ gets a /24 public and a /20 private subnet`,
  ];
}

/**
 * The one VPC of an environment, shared by every stack in it: public subnets hold only the NAT
 * gateways, workloads live in private subnets with egress. Flow logs go to CloudWatch Logs and
 * an S3 gateway endpoint keeps model, dataset and checkpoint traffic off the NAT gateways.
 * Workload security groups belong to the workloads.
 */
export class EnvironmentNetwork extends Construct {
  /** The VPC. */
  public readonly vpc: ec2.IVpc;
  /** The VPC's IPv4 range, as a literal (the VPC's own attribute is a deploy-time token across stacks). */
  public readonly cidr: string;
  /** The private subnets every workload launches in. */
  public readonly privateSubnets: ec2.SubnetSelection = { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
  /**
   * The one private subnet of cluster placement groups (a cluster placement group lives in
   * one Availability Zone): chosen here once, so every training resource agrees.
   */
  public readonly placementSubnet: ec2.ISubnet;

  constructor(scope: Construct, id: string, props: EnvironmentNetworkProps) {
    super(scope, id);
    throwIfProblems(...networkSettingsProblems(props));
    const { cidr } = withDefaults(props, NETWORK_DEFAULTS);

    const flowLogGroup = new logs.LogGroup(this, 'FlowLogs', {
      retention: props.flowLogRetention,
      encryptionKey: props.flowLogEncryptionKey,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    exemptFromControlTower(this, flowLogGroup, logRetentionUnderAYear(props.flowLogRetention));
    const vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(cidr),
      maxAzs: props.maxAzs,
      natGateways: props.natGateways,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false },
        { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
      ],
      // Restricting the default security group needs a custom resource (a Lambda); nothing here uses that group.
      restrictDefaultSecurityGroup: false,
      flowLogs: { all: { destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogGroup) } },
      gatewayEndpoints: { s3: { service: ec2.GatewayVpcEndpointAwsService.S3 } },
    });
    this.vpc = vpc;
    this.cidr = cidr;
    this.placementSubnet = vpc.privateSubnets[0];
  }
}
