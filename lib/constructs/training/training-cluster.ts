import { Duration, Validations } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { exemptFromControlTower } from '../../compliance/control-tower-exemption';
import { autoScalingGroupMetric } from '../../auto-scaling-group-metrics';
import { PUT_INSTANCE_METRICS_CONDITION, gpuUtilizationMetric } from '../../gpu/gpu-metrics';
import { Problem, checkEfaSupported, checkGpuInstanceType, checkInRange, checkWholeNumberAtLeast, throwIfProblems } from '../../validation';
import { checkDeepLearningAmiSupports } from '../../gpu/deep-learning-ami';
import { runBootScript } from './boot-script';
import { acknowledgeWildcards } from './nag-findings';
import { selectPlacementSubnet } from './placement-subnet';
import { ITrainingCapacity, SESSION_MANAGER_ACTIONS } from './training-capacity';
import { TrainingLaunchTemplate } from './training-launch-template';
import { trainingBusyMetric, trainingHeartbeatMetric } from './training-metrics';

/** The cluster's settings: plain values an environment config holds. */
export type TrainingClusterSettings = Pick<TrainingClusterProps, 'instanceType' | 'maxNodes' | 'efa' | 'rootVolumeSizeGiB'>;

/**
 * The rules of {@link TrainingClusterSettings}, each problem naming its field; the instance type
 * must run the default Deep Learning AMI unless a `machineImage` is given.
 */
export function trainingClusterSettingsProblems(settings: TrainingClusterSettings & Pick<TrainingClusterProps, 'machineImage'>): Problem[] {
  const instanceType = settings.instanceType ?? DEFAULT_TRAINING_INSTANCE_TYPE;
  return [
    checkGpuInstanceType('instanceType', instanceType),
    settings.machineImage ? undefined : checkDeepLearningAmiSupports('instanceType', instanceType),
    checkWholeNumberAtLeast('maxNodes', settings.maxNodes, 1),
    checkEfaSupported('efa', settings.efa ?? false, 'instanceType', instanceType),
    checkInRange('rootVolumeSizeGiB', settings.rootVolumeSizeGiB ?? 100, 30, 16_384),
  ];
}

/** The cluster's instance type unless configured: 4 NVIDIA A10G GPUs on Nitro, supported by the current Deep Learning AMI. */
export const DEFAULT_TRAINING_INSTANCE_TYPE = 'g5.12xlarge';

/** Props of {@link TrainingCluster}. */
export interface TrainingClusterProps {
  /** VPC of the cluster. */
  readonly vpc: ec2.IVpc;
  /**
   * The one subnet of the cluster: a cluster placement group lives in one Availability Zone.
   * @default - the VPC's first private subnet
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * GPU instance type of the nodes.
   * @default 'g5.12xlarge' (DEFAULT_TRAINING_INSTANCE_TYPE)
   */
  readonly instanceType?: string;
  /** Most nodes the on-demand group may run; it sits at 0 when not training. */
  readonly maxNodes: number;
  /**
   * Attach an Elastic Fabric Adapter; the instance type must support it. NCCL then runs over EFA.
   * @default false
   */
  readonly efa?: boolean;
  /**
   * Root volume size (encrypted gp3).
   * @default 100
   */
  readonly rootVolumeSizeGiB?: number;
  /**
   * AMI of the nodes.
   * @default - the Deep Learning Base GPU AMI from its public SSM parameter, which runs Turing and newer GPUs only (no p3)
   */
  readonly machineImage?: ec2.IMachineImage;
}

/**
 * An on-demand GPU training cluster: a cluster placement group, a GPU launch template and an
 * Auto Scaling group of 0..maxNodes in one subnet with no desired capacity, so it sits at 0 until
 * a training run sets it (`npm run train -- start --on cluster`). Nodes publish AI/Custom
 * GPUUtilization under the group's name, and operators reach them with Session Manager.
 *
 * Software binds to it (`TrainingRuntime.bind(cluster)`) through its user data, its role
 * (`IGrantable`) and its security group (`IConnectable`); a spot fleet runs beside it
 * (`SpotTrainingFleet` with `cluster`), in its placement group, with its role and security group.
 */
export class TrainingCluster extends Construct implements ITrainingCapacity {
  /** `npm run train -- start --on cluster` runs on this cluster. */
  public readonly trainingTarget = 'cluster';
  /** The cluster placement group. */
  public readonly placementGroup: ec2.PlacementGroup;
  /** The nodes' security group, which allows all traffic between nodes (NCCL, EFA, rendezvous). */
  public readonly connections: ec2.Connections;
  /** The instance role, as a grantee. */
  public readonly grantPrincipal: iam.IRole;
  /** The nodes' boot script: software binding to the cluster appends its commands. */
  public readonly userData: ec2.UserData;
  /** The on-demand group; its desired capacity is operational state, set by `npm run train`. */
  public readonly autoScalingGroup: autoscaling.AutoScalingGroup;
  /** The subnet the cluster launches into. */
  public readonly subnet: ec2.ISubnet;

  constructor(scope: Construct, id: string, props: TrainingClusterProps) {
    super(scope, id);
    const { subnet, problem } = selectPlacementSubnet(
      'vpcSubnets',
      props.vpc,
      props.vpcSubnets ?? { subnets: [props.vpc.privateSubnets[0]] },
    );
    throwIfProblems(problem, ...trainingClusterSettingsProblems(props));
    this.subnet = subnet as ec2.ISubnet;

    this.placementGroup = new ec2.PlacementGroup(this, 'PlacementGroup', {
      strategy: ec2.PlacementGroupStrategy.CLUSTER,
    });

    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Training nodes: all traffic between nodes (NCCL, EFA), outbound to S3 and AWS APIs',
      allowAllOutbound: true,
    });
    securityGroup.addIngressRule(securityGroup, ec2.Port.allTraffic(), 'All traffic between training nodes');
    this.connections = new ec2.Connections({ securityGroups: [securityGroup] });

    const role = new iam.Role(this, 'InstanceRole', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: 'Training nodes: the training runtime, GPU metrics, Session Manager',
    });
    this.grantPrincipal = role;
    this.grantNodeSelfManagement(role);

    this.userData = ec2.UserData.forLinux();
    runBootScript(this.userData, 'gpu-utilization-metric', {}, { restartAlways: true });

    const launchTemplate = new TrainingLaunchTemplate(this, 'Template', {
      instanceType: props.instanceType ?? DEFAULT_TRAINING_INSTANCE_TYPE,
      role,
      securityGroup,
      userData: this.userData,
      efa: props.efa,
      rootVolumeSizeGiB: props.rootVolumeSizeGiB,
      machineImage: props.machineImage,
      placementGroup: this.placementGroup,
    }).launchTemplate;

    this.autoScalingGroup = new autoscaling.AutoScalingGroup(this, 'AutoScalingGroup', {
      vpc: props.vpc,
      vpcSubnets: { subnets: [this.subnet] },
      launchTemplate,
      minCapacity: 0,
      maxCapacity: props.maxNodes,
      // Free, every minute: the training dashboard shows desired vs InService nodes.
      groupMetrics: [new autoscaling.GroupMetrics(autoscaling.GroupMetric.DESIRED_CAPACITY, autoscaling.GroupMetric.IN_SERVICE_INSTANCES)],
    });
    Validations.of(this.autoScalingGroup).acknowledge({
      id: 'AwsSolutions-AS3',
      reason: 'The cluster scales only when npm run train sets its desired capacity for a run or the idle-shutdown Lambda sets it to 0, which reports on its own SNS topic; launch failures show in the group activity history (npm run train -- status).',
    });
    exemptFromControlTower(this, this.autoScalingGroup, {
      control: 'CT.AUTOSCALING.PR.1',
      reason: 'The training cluster launches into a cluster placement group, which lives in one Availability Zone: that is what gives its nodes the low-latency network distributed training needs.',
    });
    exemptFromControlTower(this, this.autoScalingGroup, {
      control: 'CT.AUTOSCALING.PR.6',
      reason: 'Distributed training needs identical nodes (one GPU type in one placement group); the spot training fleet is where several instance types compete for capacity.',
    });
  }

  /** Average GPU utilization (percent) of the nodes, and of spot fleet instances reporting under the cluster's name. */
  public metricGpuUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return gpuUtilizationMetric(this.autoScalingGroup.autoScalingGroupName, props);
  }

  /** 1 in every minute a training job runs on the cluster or its spot fleet (published by the job's launcher). */
  public metricJobHeartbeat(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return trainingHeartbeatMetric(this.autoScalingGroupName, props);
  }

  /**
   * How busy the cluster and its spot fleet are: GPU utilization, plus 100 while a job beats
   * (see `trainingBusyMetric`). The idle shutdown alarms on it.
   */
  public metricBusy(period?: Duration): cloudwatch.MathExpression {
    return trainingBusyMetric(this.autoScalingGroupName, period);
  }

  /** One of the group's metrics; the group collects GroupDesiredCapacity and GroupInServiceInstances. */
  public metricGroup(metricName: 'GroupDesiredCapacity' | 'GroupInServiceInstances', props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return autoScalingGroupMetric(this.autoScalingGroupName, metricName, props);
  }

  /** The group's name: the `AutoScalingGroupName` dimension of the cluster's metrics. */
  public get autoScalingGroupName(): string {
    return this.autoScalingGroup.autoScalingGroupName;
  }

  /** What every node needs whatever it runs: publish its metrics, find its group, be reachable by Session Manager. */
  private grantNodeSelfManagement(role: iam.Role): void {
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['cloudwatch:PutMetricData'], resources: ['*'], conditions: PUT_INSTANCE_METRICS_CONDITION }));
    // The GPU metric script names its group: a node's own launch template cannot (group -> template -> group).
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['autoscaling:DescribeAutoScalingInstances'], resources: ['*'] }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: [...SESSION_MANAGER_ACTIONS], resources: ['*'] }));
    acknowledgeWildcards(
      role,
      ['Resource::*'],
      'cloudwatch:PutMetricData (conditioned on the AI/Custom namespace), autoscaling:DescribeAutoScalingInstances, the Session Manager agent actions '
        + '(ssm:UpdateInstanceInformation, ssmmessages:*Channel), the peer discovery describes (ec2:DescribeInstances, ec2:DescribeFleetInstances, '
        + 'autoscaling:DescribeAutoScalingGroups) and ecr:GetAuthorizationToken support no resource-level permissions.',
    );
  }
}
