import { CfnOutput, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { EnvironmentConfig } from '../config/environment-config';
import { AccessLogsBucket } from '../constructs/inference/access-logs-bucket';
import { INFERENCE_LOG_GROUP_PREFIX } from '../constructs/inference/inference-observability';
import { InferenceService, InferenceServiceSettings } from '../constructs/inference/inference-service';
import { ModelBucket } from '../constructs/inference/model-bucket';
import { ModelCache } from '../constructs/inference/model-cache';
import { EnvironmentNetwork } from '../constructs/network/environment-network';
import { NotificationSubscriptions } from '../constructs/notifications/notification-subscriptions';
import { NotificationTargets } from '../constructs/notifications/notification-targets';
import { LogsEncryptionKey } from '../constructs/security/logs-encryption-key';

/** What {@link AiInferenceStack} takes from the environment's config. */
export interface AiInferenceSettings {
  /** The inference service of the environment's model, as the config states it. */
  readonly service: InferenceServiceSettings;
  /** Whether the model archive is in the model bucket; until it is, the fleet's MinSize stays 0. */
  readonly modelPublished: boolean;
  /** Prefix of the services' log groups, unique per environment (`/ai/inference/<env>`). */
  readonly logGroupPrefix: string;
  /** Retention of log groups and access logs. */
  readonly logRetention: logs.RetentionDays;
  /** Days AWS Backup keeps the model cache's recovery points. */
  readonly backupRetentionDays: number;
  /** What happens to the buckets, the file system and the queues when they leave the app. */
  readonly removalPolicy: RemovalPolicy;
  /** Who hears the service's alarms and its fleet's launch and terminate failures. */
  readonly notifications: NotificationTargets;
}

/** Props of {@link AiInferenceStack}. */
export interface AiInferenceStackProps extends StackProps, AiInferenceSettings {
  /** The environment's network. */
  readonly network: EnvironmentNetwork;
}

/**
 * The config's inference settings, as written: the service keeps the fleet's MinSize 0 until the
 * model is published (so a new environment starts no instance that could only fail to load it),
 * and validates `fleet.minCapacity` as the config states it either way.
 */
export function aiInferenceSettingsOf(config: EnvironmentConfig): AiInferenceSettings {
  return {
    service: config.inference,
    modelPublished: config.modelPublished,
    logGroupPrefix: `${INFERENCE_LOG_GROUP_PREFIX}/${config.name}`,
    logRetention: config.logRetention,
    backupRetentionDays: config.backupRetentionDays,
    removalPolicy: config.removalPolicy,
    notifications: config.notifications ?? {},
  };
}

/**
 * Logical ids the job queues had before the service construct owned them: kept, so a refactor
 * never replaces a queue (and drops its jobs). New services get ids from their path.
 */
const KEPT_LOGICAL_IDS: Readonly<Record<string, string>> = {
  ServiceJobsQueueD9F9A685: 'JobsQueue24944186',
  ServiceJobsDeadLetterQueue90469DEA: 'JobsDeadLetterQueue8CC426EE',
};

/** The queue-fed GPU inference of one environment: the shared model bucket and cache, and its service. */
export class AiInferenceStack extends Stack {
  /** The versioned model bucket. */
  public readonly models: ModelBucket;
  /** The EFS model cache. */
  public readonly modelCache: ModelCache;
  /** The environment's inference service. */
  public readonly service: InferenceService;
  /** The people subscribed to the service's alarm topic. */
  public readonly notifications: NotificationSubscriptions;

  constructor(scope: Construct, id: string, props: AiInferenceStackProps) {
    super(scope, id, props);
    for (const [generated, kept] of Object.entries(KEPT_LOGICAL_IDS)) this.renameLogicalId(generated, kept);
    const { removalPolicy, network } = props;

    // The stack's log groups share one key (CT.CLOUDWATCH.PR.3): see LogsEncryptionKey for why one per stack.
    const logEncryptionKey = new LogsEncryptionKey(this, 'LogsKey', { removalPolicy }).key;
    const accessLogs = new AccessLogsBucket(this, 'AccessLogs', { expirationDays: props.logRetention, removalPolicy });
    this.models = new ModelBucket(this, 'Models', { removalPolicy, serverAccessLogsBucket: accessLogs.bucket });
    this.modelCache = new ModelCache(this, 'ModelCache', {
      vpc: network.vpc,
      vpcSubnets: network.privateSubnets,
      backupRetentionDays: props.backupRetentionDays,
      removalPolicy,
    });
    this.service = new InferenceService(this, 'Service', {
      ...props.service,
      modelPublished: props.modelPublished,
      vpc: network.vpc,
      clientCidr: network.cidr,
      modelBucket: this.models,
      modelCache: this.modelCache,
      accessLogsBucket: accessLogs.bucket,
      logGroupPrefix: props.logGroupPrefix,
      logRetention: props.logRetention,
      logEncryptionKey,
      // What the environment retains, it also protects from deletion (CT.ELASTICLOADBALANCING.PR.5).
      deletionProtection: removalPolicy === RemovalPolicy.RETAIN,
      removalPolicy,
    });

    this.notifications = new NotificationSubscriptions(this, 'Notifications', { ...props.notifications, topics: [this.service.fleet.notificationTopic] });

    this.service.addOutputs();
    new CfnOutput(this, 'ModelBucketName', {
      value: this.models.bucket.bucketName,
      description: `Upload models to models/{name}/{version}/model.tar.gz; this environment serves ${this.service.modelKey}`,
    });
    new CfnOutput(this, 'FileSystemId', { value: this.modelCache.fileSystem.fileSystemId, description: 'EFS model cache' });
    new CfnOutput(this, 'ModelCacheBackupVaultName', {
      value: this.modelCache.backupVault.backupVaultName,
      description: 'AWS Backup vault of the model cache\'s daily recovery points; retained, named per deployment',
    });
  }
}
