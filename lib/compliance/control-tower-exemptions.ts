import { RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { inferenceServicesOf } from '../config/environment-config';
import { ControlTowerExemption, ExemptionCondition } from './control-tower-exemption';
import { nitroTypesOffControlList } from './nitro-types-off-control-list';

const LOG_RETENTION_UNDER_A_YEAR: ExemptionCondition = {
  description: 'logRetention under one year (dev, staging)',
  appliesTo: (config) => config.logRetention < RetentionDays.ONE_YEAR,
};

const NOT_RETAINED: ExemptionCondition = {
  description: 'removalPolicy other than RETAIN (dev, staging)',
  appliesTo: (config) => config.removalPolicy !== RemovalPolicy.RETAIN,
};

const ML_PLATFORM_ON: ExemptionCondition = {
  description: 'mlPlatform.enabled (staging, prod)',
  appliesTo: (config) => config.mlPlatform.enabled,
};

const ML_PLATFORM_ON_WITH_LOG_RETENTION_UNDER_A_YEAR: ExemptionCondition = {
  description: 'mlPlatform.enabled with logRetention under one year (staging)',
  appliesTo: (config) => ML_PLATFORM_ON.appliesTo(config) && LOG_RETENTION_UNDER_A_YEAR.appliesTo(config),
};

const INFERENCE_FLEET = 'AiInference/Service/Fleet/Group';
const SPOT_TRAINING_FLEET = 'Training/SpotFleet/Fleet';
const TRAINING_CLUSTER = 'Training/Cluster/AutoScalingGroup';
const ACCESS_LOG_BUCKETS = ['AiInference/AccessLogs/Bucket', 'Training/Buckets/AccessLogs'];
const DATA_BUCKETS = ['AiInference/Models/Bucket', 'AiInference/Service/JobResults/Bucket', 'Training/Buckets/Checkpoints', 'Training/Buckets/Datasets', 'Training/Buckets/Artifacts'];
const ML_PLATFORM_ACCESS_LOGS = 'MlPlatform/AccessLogs/Bucket';
const KUBECTL_PROVIDER_FUNCTIONS = ['MlPlatform/Cluster/Cluster/KubectlProvider/Handler', 'MlPlatform/Cluster/Cluster/KubectlProvider/Provider/framework-onEvent'];
const LOG_GROUPS = ['Network/Network/FlowLogs', 'AiInference/Service/Observability/Logs', 'Training/IdleShutdown/LogGroup'];

const LOG_RETENTION_REASON = 'Short-lived environments keep logs for their configured logRetention (a week in dev, a month in staging) to keep log storage cheap; prod keeps them a year and meets the control.';
const ACCESS_LOG_DESTINATION_REASON = 'This bucket is the server access log destination; logging it into itself would loop and logging it elsewhere only moves the problem.';
const ACCESS_LOG_ENCRYPTION_REASON = 'The log destination bucket: ALB access log delivery and S3 server access log delivery support only SSE-S3 default encryption on the destination bucket, not SSE-KMS.';
const OBJECT_LOCK_REASON = 'Object Lock is for records that must not change. These buckets hold logs, models, job results, datasets and checkpoints whose lifecycle rules expire old objects and versions to bound storage cost; retention locks would block that expiry.';

const NITRO_LIST_REASON = 'The control checks a fixed list of Nitro types that predates g6; g6 is Nitro (lib/gpu catalog: nitro true) and encrypts traffic '
  + 'between instances, and is the cheapest current GPU per hour. The exemption holds only while every type off the list is Nitro in the catalog: '
  + 'a Xen type such as p3.8xlarge still fails the synth.';

/**
 * Every Control Tower finding the app accepts, one construct each. docs/compliance.md lists
 * them with the same reasons; test/compliance checks that each one still suppresses a finding.
 */
export const CONTROL_TOWER_EXEMPTIONS: readonly ControlTowerExemption[] = [
  {
    control: 'CT.AUTOSCALING.PR.1',
    constructPath: TRAINING_CLUSTER,
    reason: 'The training cluster launches into a cluster placement group, which lives in one Availability Zone: that is what gives its nodes the low-latency network distributed training needs.',
  },
  {
    control: 'CT.AUTOSCALING.PR.6',
    constructPath: TRAINING_CLUSTER,
    reason: 'Distributed training needs identical nodes (one GPU type in one placement group); the spot training fleet is where several instance types compete for capacity.',
  },
  ...['CT.AUTOSCALING.PR.10', 'CT.AUTOSCALING.PR.11'].map((control) => ({
    control,
    constructPath: INFERENCE_FLEET,
    reason: NITRO_LIST_REASON,
    when: nitroTypesOffControlList(control, 'inference.<service>.fleet.instanceTypes', (config) => inferenceServicesOf(config).flatMap(([, service]) => service.fleet.instanceTypes)),
  })),
  ...['CT.EC2.PR.18', 'CT.EC2.PR.20'].map((control) => ({
    control,
    constructPath: SPOT_TRAINING_FLEET,
    reason: NITRO_LIST_REASON,
    when: nitroTypesOffControlList(control, 'training.spotFleet.instanceTypes', (config) => config.training.spotFleet.instanceTypes),
  })),
  ...LOG_GROUPS.map((constructPath) => ({
    control: 'CT.CLOUDWATCH.PR.2',
    constructPath,
    reason: LOG_RETENTION_REASON,
    when: LOG_RETENTION_UNDER_A_YEAR,
  })),
  {
    control: 'CT.ELASTICFILESYSYSTEM.PR.2',
    constructPath: 'AiInference/ModelCache/FileSystem',
    reason: 'The model cache is backed up daily by its own AWS Backup plan with the environment\'s backupRetentionDays; EFS automatic backups would add a second plan keeping 35 days on top. The cache can also be rebuilt from the model bucket.',
  },
  {
    control: 'CT.ELASTICLOADBALANCING.PR.1',
    constructPath: 'AiInference/Service/Endpoint/LoadBalancer/Http',
    reason: 'The ALB is internal: it takes requests on port 80 only from clientCidr inside the VPC and never leaves it. HTTPS needs a certificate for a private name, i.e. an AWS Private CA (about 400 USD a month per CA) or a domain the app does not own.',
  },
  {
    control: 'CT.ELASTICLOADBALANCING.PR.5',
    constructPath: 'AiInference/Service/Endpoint/LoadBalancer',
    reason: 'Environments whose resources are destroyed with the stack (dev, staging) must be deletable by `cdk destroy`; where the removal policy is RETAIN (prod) the ALB has deletion protection on and meets the control.',
    when: NOT_RETAINED,
  },
  {
    control: 'CT.LAMBDA.PR.3',
    constructPath: 'Training/IdleShutdown/Function',
    reason: 'The idle-shutdown function only calls the Auto Scaling, EC2 Fleet and SNS APIs and reaches nothing inside the VPC; attaching it would send those calls through the NAT gateway (paid per GB) and give its role ec2:CreateNetworkInterface on every resource.',
  },
  ...ACCESS_LOG_BUCKETS.map((constructPath) => ({
    control: 'CT.S3.PR.2',
    constructPath,
    reason: ACCESS_LOG_DESTINATION_REASON,
  })),
  ...ACCESS_LOG_BUCKETS.map((constructPath) => ({
    control: 'CT.S3.PR.10',
    constructPath,
    reason: ACCESS_LOG_ENCRYPTION_REASON,
  })),
  ...[...ACCESS_LOG_BUCKETS, ...DATA_BUCKETS].map((constructPath) => ({
    control: 'CT.S3.PR.9',
    constructPath,
    reason: OBJECT_LOCK_REASON,
  })),
  // The ML platform's stack exists only where mlPlatform.enabled.
  {
    control: 'CT.CLOUDWATCH.PR.2',
    constructPath: 'MlPlatform/Cluster/ControlPlaneLogs',
    reason: LOG_RETENTION_REASON,
    when: ML_PLATFORM_ON_WITH_LOG_RETENTION_UNDER_A_YEAR,
  },
  { control: 'CT.S3.PR.2', constructPath: ML_PLATFORM_ACCESS_LOGS, reason: ACCESS_LOG_DESTINATION_REASON, when: ML_PLATFORM_ON },
  { control: 'CT.S3.PR.10', constructPath: ML_PLATFORM_ACCESS_LOGS, reason: ACCESS_LOG_ENCRYPTION_REASON, when: ML_PLATFORM_ON },
  ...[ML_PLATFORM_ACCESS_LOGS, 'MlPlatform/Artifacts/Bucket'].map((constructPath) => ({
    control: 'CT.S3.PR.9', constructPath, reason: OBJECT_LOCK_REASON, when: ML_PLATFORM_ON,
  })),
  ...KUBECTL_PROVIDER_FUNCTIONS.map((constructPath) => ({
    control: 'CT.LAMBDA.PR.3',
    constructPath,
    reason: 'aws-eks-v2 places the kubectl provider\'s functions in the cluster\'s private subnets (they must reach its private endpoint), but the subnet ids come from the Network stack through Fn::GetStackOutput, which the control\'s Guard rule does not accept (only literals, Ref and Fn::GetAtt).',
    when: ML_PLATFORM_ON,
  })),
];
