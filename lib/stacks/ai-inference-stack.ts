import { CfnElement, CfnOutput, Duration, RemovalPolicy, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { EnvironmentConfig } from '../config';
import { AccessLogsBucket } from '../constructs/inference/access-logs-bucket';
import { FleetSchedule } from '../constructs/inference/fleet-schedule';
import { GpuFleet } from '../constructs/inference/gpu-fleet';
import { GpuUtilizationScaleIn } from '../constructs/inference/gpu-utilization-scale-in';
import { InferenceEndpoint } from '../constructs/inference/inference-endpoint';
import { InferenceNetwork } from '../constructs/inference/inference-network';
import { InferenceObservability } from '../constructs/inference/inference-observability';
import { InferenceRuntime } from '../constructs/inference/inference-runtime';
import { JobQueue } from '../constructs/inference/job-queue';
import { ModelBucket } from '../constructs/inference/model-bucket';
import { ModelCache } from '../constructs/inference/model-cache';
import { QueueScaling } from '../constructs/inference/queue-scaling';
import { LogsEncryptionKey } from '../constructs/security/logs-encryption-key';

/** Props of {@link AiInferenceStack}. */
export interface AiInferenceStackProps extends StackProps {
  /** The environment the stack belongs to. */
  readonly config: EnvironmentConfig;
}

/** The queue-fed GPU inference fleet of one environment. */
export class AiInferenceStack extends Stack {
  constructor(scope: Construct, id: string, props: AiInferenceStackProps) {
    super(scope, id, props);
    const { config } = props;
    const inference = config.inference;
    const removalPolicy = config.removalPolicy;

    // One key for the stack's log groups: 1 USD a month, where a key per log group would cost one each.
    const logEncryptionKey = new LogsEncryptionKey(this, 'LogsKey', { removalPolicy }).key;
    const network = new InferenceNetwork(this, 'Network', {
      maxAzs: config.network.maxAzs,
      natGateways: config.network.natGateways,
      flowLogRetention: config.logRetention,
      logEncryptionKey,
      removalPolicy,
    });
    const accessLogs = new AccessLogsBucket(this, 'AccessLogs', { expirationDays: config.logRetention, removalPolicy });
    const models = new ModelBucket(this, 'Models', {
      modelName: inference.model.name,
      modelVersion: inference.model.version,
      removalPolicy,
      serverAccessLogsBucket: accessLogs.bucket,
    });
    const jobs = new JobQueue(this, 'Jobs', { maxJobDurationSeconds: inference.maxJobDurationSeconds, removalPolicy });
    const cache = new ModelCache(this, 'ModelCache', {
      vpc: network.vpc,
      vpcSubnets: network.privateSubnets,
      securityGroup: network.fileSystemSecurityGroup,
      backupRetentionDays: config.backupRetentionDays,
      removalPolicy,
    });

    // Filled by the InferenceRuntime below, once the log group it ships logs to exists.
    const userData = ec2.UserData.forLinux();
    const fleet = new GpuFleet(this, 'Fleet', {
      vpc: network.vpc,
      vpcSubnets: network.privateSubnets,
      securityGroup: network.fleetSecurityGroup,
      userData,
      instanceTypes: inference.instanceTypes,
      // With a schedule, the morning action sets the daytime minimum (see FleetSchedule).
      minCapacity: inference.schedule.enabled ? 0 : inference.minCapacity,
      maxCapacity: inference.maxCapacity,
      onDemandBaseCapacity: inference.onDemandBaseCapacity,
      onDemandPercentageAboveBaseCapacity: inference.onDemandPercentageAboveBaseCapacity,
      spotMaxPriceUsdPerHour: inference.spotMaxPriceUsdPerHour,
      rootVolumeSizeGiB: inference.rootVolumeSizeGiB,
      modelVersion: inference.model.version,
      modelWarmupSeconds: inference.model.warmupSeconds,
      maxJobDurationSeconds: inference.maxJobDurationSeconds,
    });
    const scaling = new QueueScaling(this, 'QueueScaling', {
      autoScalingGroup: fleet.autoScalingGroup,
      queue: jobs.queue,
      acceptableLatencySeconds: inference.acceptableLatencySeconds,
      secondsPerJob: inference.secondsPerJob,
      scaleToZeroAfterIdleMinutes: inference.scaleToZeroAfterIdleMinutes,
    });
    new GpuUtilizationScaleIn(this, 'GpuUtilization', { autoScalingGroup: fleet.autoScalingGroup });
    if (inference.schedule.enabled) {
      new FleetSchedule(this, 'Schedule', {
        autoScalingGroup: fleet.autoScalingGroup,
        minCapacity: inference.minCapacity,
        timeZone: inference.schedule.timeZone,
        scaleDownCron: inference.schedule.scaleDownCron,
        scaleUpCron: inference.schedule.scaleUpCron,
      });
    }
    const endpoint = new InferenceEndpoint(this, 'Endpoint', {
      vpc: network.vpc,
      vpcSubnets: network.privateSubnets,
      securityGroup: network.loadBalancerSecurityGroup,
      fleet: fleet.autoScalingGroup,
      accessLogsBucket: accessLogs.bucket,
      // What the environment retains, it also protects from deletion (CT.ELASTICLOADBALANCING.PR.5).
      deletionProtection: removalPolicy === RemovalPolicy.RETAIN,
    });
    // The topic's policy (TLS only) replaces SNS's default one, so alarms need an explicit grant.
    fleet.notificationTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        actions: ['sns:Publish'],
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        resources: [fleet.notificationTopic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );
    const observability = new InferenceObservability(this, 'Observability', {
      queue: jobs.queue,
      deadLetterQueue: jobs.deadLetterQueue,
      autoScalingGroup: fleet.autoScalingGroup,
      backlogPerInstance: scaling.metricBacklogPerInstance(),
      logRetention: config.logRetention,
      logEncryptionKey,
      alarmAction: new cwActions.SnsAction(fleet.notificationTopic),
      removalPolicy,
    });

    const runtime = new InferenceRuntime(this, 'Runtime', {
      userData,
      queue: jobs.queue,
      modelBucket: models.bucket,
      fileSystem: cache.fileSystem,
      accessPoint: cache.accessPoint,
      logGroup: observability.logGroup,
      model: inference.model,
      launchLifecycleHookName: fleet.launchLifecycleHookName,
      terminationLifecycleHookName: fleet.terminationLifecycleHookName,
      maxJobDuration: Duration.seconds(inference.maxJobDurationSeconds),
      healthCheckTimeout: Duration.seconds(inference.model.warmupSeconds),
    });

    runtime.grantRead(fleet.role);
    jobs.grantConsumeJobs(fleet.role);
    models.grantReadModels(fleet.role);
    cache.grantMount(fleet.role);
    observability.logGroup.grantWrite(fleet.role);
    Validations.of(fleet.role.node.findChild('DefaultPolicy')).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${this.getLogicalId(models.bucket.node.defaultChild as CfnElement)}.Arn>/models/*]`,
      reason: 'The instances download models by name and version (models/{name}/{version}/model.tar.gz); s3:GetObject is limited to the models/ prefix.',
    });

    new CfnOutput(this, 'QueueUrl', { value: jobs.queue.queueUrl, description: 'Send inference jobs here' });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: jobs.deadLetterQueue.queueUrl, description: 'Jobs that failed repeatedly' });
    new CfnOutput(this, 'LoadBalancerDnsName', { value: endpoint.loadBalancer.loadBalancerDnsName, description: 'Internal ALB of the fleet' });
    new CfnOutput(this, 'TargetGroupArn', { value: endpoint.targetGroup.targetGroupArn, description: 'Target group of the fleet' });
    new CfnOutput(this, 'AutoScalingGroupName', { value: fleet.autoScalingGroup.autoScalingGroupName, description: 'The GPU fleet' });
    new CfnOutput(this, 'ModelBucketName', { value: models.bucket.bucketName, description: `Upload models to models/{name}/{version}/model.tar.gz; this fleet serves ${models.modelKey}` });
    new CfnOutput(this, 'FileSystemId', { value: cache.fileSystem.fileSystemId, description: 'EFS model cache' });
  }
}
