import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { checkInRange, throwIfProblems } from '../../validation';

/** Props of {@link InferenceNetwork}. */
export interface InferenceNetworkProps {
  /** Availability Zones the VPC spans (1-6). */
  readonly maxAzs: number;
  /** NAT gateways (1 to maxAzs): 1 is cheapest, one per AZ survives an AZ outage. */
  readonly natGateways: number;
  /** Retention of the VPC flow log group. */
  readonly flowLogRetention: logs.RetentionDays;
  /**
   * Customer managed key the log group is encrypted with (CT.CLOUDWATCH.PR.3); share one per stack.
   * @default - CloudWatch Logs' own encryption at rest, no customer managed key
   */
  readonly logEncryptionKey?: kms.IKey;
  /**
   * What happens to the flow log group when it leaves the app.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Port the inference server listens on.
   * @default 8080
   */
  readonly inferencePort?: number;
  /**
   * IPv4 range of the VPC.
   * @default '10.0.0.0/16'
   */
  readonly cidr?: string;
}

/**
 * The fleet's VPC: public subnets hold only the NAT gateways, the fleet, the internal ALB and
 * the file system live in private subnets. Flow logs go to CloudWatch Logs, an S3 gateway
 * endpoint keeps model pulls off the NAT, and three security groups allow only what flows:
 * VPC clients -> ALB on 80, ALB -> fleet on the inference port, fleet -> EFS on 2049.
 */
export class InferenceNetwork extends Construct {
  /** The VPC. */
  public readonly vpc: ec2.IVpc;
  /** Security group of the internal ALB. */
  public readonly loadBalancerSecurityGroup: ec2.ISecurityGroup;
  /** Security group of the GPU instances. */
  public readonly fleetSecurityGroup: ec2.ISecurityGroup;
  /** Security group of the EFS mount targets. */
  public readonly fileSystemSecurityGroup: ec2.ISecurityGroup;
  /** Subnets the fleet, the ALB and the mount targets use. */
  public readonly privateSubnets: ec2.SubnetSelection = { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };

  constructor(scope: Construct, id: string, props: InferenceNetworkProps) {
    super(scope, id);
    const inferencePort = props.inferencePort ?? 8080;
    throwIfProblems(
      checkInRange('maxAzs', props.maxAzs, 1, 6),
      checkInRange('natGateways', props.natGateways, 1, props.maxAzs),
      checkInRange('inferencePort', inferencePort, 1, 65_535),
    );

    const flowLogGroup = new logs.LogGroup(this, 'FlowLogs', {
      retention: props.flowLogRetention,
      encryptionKey: props.logEncryptionKey,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    const cidr = props.cidr ?? '10.0.0.0/16';
    const vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(cidr),
      maxAzs: props.maxAzs,
      natGateways: props.natGateways,
      subnetConfiguration: [
        // Public subnets hold only the NAT gateways, which have their own Elastic IPs (CT.EC2.PR.11).
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false },
        { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
      ],
      // Restricting the default security group needs a custom resource (a Lambda); nothing here uses that group.
      restrictDefaultSecurityGroup: false,
      flowLogs: { all: { destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogGroup) } },
      gatewayEndpoints: { s3: { service: ec2.GatewayVpcEndpointAwsService.S3 } },
    });
    this.vpc = vpc;

    const loadBalancer = new ec2.SecurityGroup(this, 'LoadBalancerSecurityGroup', {
      vpc,
      description: 'Internal ALB of the inference fleet',
      allowAllOutbound: false,
    });
    loadBalancer.addIngressRule(ec2.Peer.ipv4(cidr), ec2.Port.tcp(80), 'HTTP from inside the VPC');
    const fleet = new ec2.SecurityGroup(this, 'FleetSecurityGroup', {
      vpc,
      description: 'GPU inference instances: HTTPS out to AWS APIs and the image registry',
      allowAllOutbound: true,
    });
    fleet.connections.allowFrom(loadBalancer, ec2.Port.tcp(inferencePort), 'ALB to the inference server');
    const fileSystem = new ec2.SecurityGroup(this, 'FileSystemSecurityGroup', {
      vpc,
      description: 'EFS model cache mount targets',
      allowAllOutbound: false,
    });
    fileSystem.connections.allowFrom(fleet, ec2.Port.tcp(2049), 'NFS from the fleet');

    this.loadBalancerSecurityGroup = loadBalancer;
    this.fleetSecurityGroup = fleet;
    this.fileSystemSecurityGroup = fileSystem;
  }
}
