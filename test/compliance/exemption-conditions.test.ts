import { Stack } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { IConstruct } from 'constructs';
import { declaredExemptionsOn } from '../../lib/compliance/control-tower-exemption';
import { AccessLogsBucket } from '../../lib/constructs/inference/access-logs-bucket';
import { GpuFleet } from '../../lib/constructs/inference/gpu-fleet';
import { InferenceEndpoint } from '../../lib/constructs/inference/inference-endpoint';
import { MlPlatformCluster } from '../../lib/constructs/ml-platform/ml-platform-cluster';
import { EnvironmentNetwork } from '../../lib/constructs/network/environment-network';
import { SpotTrainingFleet } from '../../lib/constructs/training/spot-training-fleet';
import { TrainingCluster } from '../../lib/constructs/training/training-cluster';
import { finding, synthWithControlTower } from '../helpers/control-tower';
import { fleetProps } from '../constructs/inference/fixtures';
import { appWithFeatureFlags } from '../constructs/ml-platform/fixtures';

/**
 * The control cases of the conditional exemptions: a construct whose props do not meet its
 * exemption's condition declares it without acknowledging anything, and the control then judges
 * its resource as it is. One stack per case, in one app synthesized once, outside the app's
 * environments.
 */
const app = appWithFeatureFlags();
const vpcIn = (stack: Stack): ec2.Vpc => new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1, restrictDefaultSecurityGroup: false });
/** An AMI of the user's whose driver runs Volta: the default Deep Learning AMI does not, and the constructs refuse p3 with it. */
const voltaAmi = ec2.MachineImage.genericLinux({ 'us-east-1': 'ami-0123456789abcdef0' });

const logs = new Stack(app, 'YearOfLogs');
const network = new EnvironmentNetwork(logs, 'Network', { maxAzs: 2, natGateways: 1, flowLogRetention: RetentionDays.ONE_YEAR });
const flowLogs = network.node.findChild('FlowLogs');

const inference = new Stack(app, 'XenFleet');
const inferenceVpc = vpcIn(inference);
const fleet = new GpuFleet(inference, 'Fleet', { ...fleetProps(inferenceVpc), instanceTypes: ['g6.xlarge', 'p3.8xlarge'], machineImage: voltaAmi });
const endpoint = new InferenceEndpoint(inference, 'Endpoint', {
  vpc: inferenceVpc, fleet, accessLogsBucket: new AccessLogsBucket(inference, 'AccessLogs', { expirationDays: 7 }).bucket, deletionProtection: true,
});

const training = new Stack(app, 'XenSpotFleet');
const trainingVpc = vpcIn(training);
const cluster = new TrainingCluster(training, 'Cluster', { vpc: trainingVpc, maxNodes: 2 });
const spotFleet = new SpotTrainingFleet(training, 'SpotFleet', { cluster, instanceTypes: ['g5.12xlarge', 'g6.12xlarge', 'p3.8xlarge'], machineImage: voltaAmi });

const platform = new Stack(app, 'LocalVpcCluster');
const mlCluster = new MlPlatformCluster(platform, 'Cluster', {
  vpc: vpcIn(platform), kubernetesVersion: eks.KubernetesVersion.V1_35, logRetention: RetentionDays.ONE_YEAR,
});
const kubectlFunctions = mlCluster.cluster.kubectlProvider?.node.findAll().filter((c): c is lambda.Function => c instanceof lambda.Function) ?? [];

const result = synthWithControlTower(app);

const l1Path = (construct: IConstruct): string => (construct.node.defaultChild ?? construct).node.path;
const heldOn = (construct: IConstruct): boolean[] => declaredExemptionsOn(construct).map((e) => e.holds);
const judged = (control: string, construct: IConstruct): string[] => {
  const line = finding(control, l1Path(construct));
  return [...result.open, ...result.suppressed].filter((f) => f === line);
};

describe('a log group kept a year (EnvironmentNetwork, flowLogRetention ONE_YEAR)', () => {
  test('declares CT.CLOUDWATCH.PR.2 without holding it', () => {
    expect(heldOn(flowLogs)).toEqual([false]);
  });

  test('meets the control: no finding, open or suppressed', () => {
    expect(judged('CT.CLOUDWATCH.PR.2', flowLogs)).toEqual([]);
  });
});

describe('a Xen type (p3.8xlarge) beside g6 in the inference fleet', () => {
  const group = fleet.autoScalingGroup as autoscaling.AutoScalingGroup;

  test('declares the Nitro exemptions without holding them', () => {
    expect(heldOn(group)).toEqual([false, false]);
  });

  test('keeps CT.AUTOSCALING.PR.10 and PR.11 open on the group: the synth fails', () => {
    expect(result.open).toEqual(expect.arrayContaining([finding('CT.AUTOSCALING.PR.10', l1Path(group)), finding('CT.AUTOSCALING.PR.11', l1Path(group))]));
    expect(result.error?.message).toContain('[CT.AUTOSCALING.PR.10]');
  });
});

describe('a load balancer with deletion protection (InferenceEndpoint, deletionProtection true)', () => {
  const loadBalancer = endpoint.loadBalancer as elbv2.ApplicationLoadBalancer;

  test('declares CT.ELASTICLOADBALANCING.PR.5 without holding it', () => {
    expect(heldOn(loadBalancer)).toEqual([false]);
  });

  test('meets the control: no finding, open or suppressed', () => {
    expect(judged('CT.ELASTICLOADBALANCING.PR.5', loadBalancer)).toEqual([]);
  });
});

describe('a Xen type (p3.8xlarge) in the spot training fleet', () => {
  test('declares the Nitro exemptions without holding them', () => {
    expect(heldOn(spotFleet.fleet)).toEqual([false, false]);
  });

  test('keeps CT.EC2.PR.18 and PR.20 open on the fleet: the synth fails', () => {
    expect(result.open).toEqual(expect.arrayContaining([finding('CT.EC2.PR.18', spotFleet.fleet.node.path), finding('CT.EC2.PR.20', spotFleet.fleet.node.path)]));
  });
});

describe('an ML platform cluster whose VPC is in its own stack', () => {
  // The rule rejects the cluster security group (Fn::GetAtt of the EKS cluster), wherever the subnets are.
  test('still needs CT.LAMBDA.PR.3 on both kubectl provider functions: each exemption suppresses its function\'s finding', () => {
    const suppressed = (fn: lambda.Function): string[] => result.suppressed.filter((f) => f === finding('CT.LAMBDA.PR.3', l1Path(fn)));
    expect(kubectlFunctions.map((fn) => [heldOn(fn), suppressed(fn).length])).toEqual([[[true], 1], [[true], 1]]);
  });
});
