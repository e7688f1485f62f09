import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { FactName } from 'aws-cdk-lib/region-info';
import { Construct } from 'constructs';
import { exemptFromControlTower } from '../../compliance/control-tower-exemption';
import { GpuFleet } from './gpu-fleet';
import { SERVING_CONTRACT } from './serving-contract';

/** Props of {@link InferenceEndpoint}. */
export interface InferenceEndpointProps {
  /** VPC of the fleet. */
  readonly vpc: ec2.IVpc;
  /**
   * Subnets of the internal load balancer.
   * @default - the VPC's private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * IPv4 range allowed to call the load balancer on port 80.
   * @default - the VPC's CIDR block
   */
  readonly clientCidr?: string;
  /** The fleet: its group is registered as targets, and its security group admits the load balancer. */
  readonly fleet: GpuFleet;
  /** Bucket receiving the access logs, under `alb/`; SSE-S3 encrypted. */
  readonly accessLogsBucket: s3.IBucket;
  /**
   * Whether the load balancer refuses to be deleted until this is turned off (CT.ELASTICLOADBALANCING.PR.5).
   * @default false
   */
  readonly deletionProtection?: boolean;
}

/**
 * The internal Application Load Balancer in front of the fleet: HTTP on 80 from inside the
 * VPC, forwarding to the instances on the serving contract's port with its health check (`SERVING_CONTRACT`), access
 * logs to S3. In an environment-agnostic stack the log-delivery account comes from a
 * region mapping, which covers regions launched before August 2022; set the environment's
 * region to deploy to a newer one.
 */
export class InferenceEndpoint extends Construct {
  /** The load balancer. */
  public readonly loadBalancer: elbv2.IApplicationLoadBalancer;
  /** The fleet's target group. */
  public readonly targetGroup: elbv2.IApplicationTargetGroup;

  constructor(scope: Construct, id: string, props: InferenceEndpointProps) {
    super(scope, id);
    const { port, healthCheckPath } = SERVING_CONTRACT;
    const deletionProtection = props.deletionProtection ?? false;

    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Internal ALB of the inference fleet',
      allowAllOutbound: false,
    });
    securityGroup.addIngressRule(ec2.Peer.ipv4(props.clientCidr ?? props.vpc.vpcCidrBlock), ec2.Port.tcp(80), 'HTTP from inside the VPC');
    props.fleet.connections.allowFrom(securityGroup, ec2.Port.tcp(port), 'ALB to the inference server');
    const loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroup,
      internetFacing: false,
      dropInvalidHeaderFields: true,
      deletionProtection,
    });
    exemptFromControlTower(this, loadBalancer, {
      control: 'CT.ELASTICLOADBALANCING.PR.5',
      reason: 'Without deletion protection `cdk destroy` deletes the load balancer with its stack, as an environment whose resources are not retained needs; with deletionProtection on it meets the control.',
      condition: { description: 'deletionProtection off', holds: !deletionProtection },
    });
    this.logAccessLogs(loadBalancer, props.accessLogsBucket, 'alb');

    const targetGroup = new elbv2.ApplicationTargetGroup(this, 'Fleet', {
      vpc: props.vpc,
      port,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targetType: elbv2.TargetType.INSTANCE,
      targets: [props.fleet.autoScalingGroup],
      deregistrationDelay: Duration.seconds(30),
      healthCheck: {
        path: healthCheckPath,
        healthyHttpCodes: '200',
        interval: Duration.seconds(15),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 3,
      },
    });
    const listener = loadBalancer.addListener('Http', {
      port: 80,
      protocol: elbv2.ApplicationProtocol.HTTP,
      open: false,
      defaultTargetGroups: [targetGroup],
    });
    // AWS Private CA: 400 USD a month per general-purpose CA (https://aws.amazon.com/private-ca/pricing/).
    exemptFromControlTower(this, listener, {
      control: 'CT.ELASTICLOADBALANCING.PR.1',
      reason: 'The ALB is internal: it takes requests on port 80 only from clientCidr inside the VPC and never leaves it. HTTPS needs a certificate for a private name, i.e. an AWS Private CA (about 400 USD a month per CA) or a domain the app does not own.',
    });
    this.loadBalancer = loadBalancer;
    this.targetGroup = targetGroup;
  }

  /** `logAccessLogs` needs a concrete region; without one, the ELB account comes from a region map. */
  private logAccessLogs(loadBalancer: elbv2.ApplicationLoadBalancer, bucket: s3.IBucket, prefix: string): void {
    const stack = Stack.of(this);
    if (!Token.isUnresolved(stack.region)) {
      loadBalancer.logAccessLogs(bucket, prefix);
      return;
    }
    loadBalancer.setAttribute('access_logs.s3.enabled', 'true');
    loadBalancer.setAttribute('access_logs.s3.bucket', bucket.bucketName);
    loadBalancer.setAttribute('access_logs.s3.prefix', prefix);
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        actions: ['s3:PutObject'],
        principals: [new iam.AccountPrincipal(stack.regionalFact(FactName.ELBV2_ACCOUNT))],
        resources: [bucket.arnForObjects(`${prefix}/AWSLogs/${stack.account}/*`)],
      }),
    );
    const policy = bucket.policy?.node.defaultChild;
    if (policy) {
      loadBalancer.node.addDependency(policy);
    }
  }
}
