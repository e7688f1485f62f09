import { CfnOutput, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { EnvironmentConfig, inferenceServicesOf } from '../config/environment-config';
import { AccessLogsBucket } from '../constructs/inference/access-logs-bucket';
import { INFERENCE_SERVICE_OUTPUTS, InferenceService, InferenceServiceSettings } from '../constructs/inference/inference-service';
import { ModelBucket, ModelBucketProps } from '../constructs/inference/model-bucket';
import { ModelCache } from '../constructs/inference/model-cache';
import { EnvironmentNetwork } from '../constructs/network/environment-network';
import { NotificationSubscriptions } from '../constructs/notifications/notification-subscriptions';
import { NotificationTargets } from '../constructs/notifications/notification-targets';
import { LogsEncryptionKey } from '../constructs/security/logs-encryption-key';
import { dashboardNameOf } from '../dashboard-url';
import { Problem, throwIfProblems } from '../validation';
import { checkServiceName, serviceConstructId, serviceLogGroupPrefix, serviceOutputPrefix } from './service-names';
import { modelReplicaOf } from './model-replica';

/** What {@link AiInferenceStack} takes from the environment's config. */
export interface AiInferenceSettings {
  /** The environment's inference services by name (at least one), each named as `service-names.ts` says, as the config states them. */
  readonly services: Readonly<Record<string, InferenceServiceSettings>>;
  /** Whether every service's model archive is in the model bucket; until it is, every fleet's MinSize stays 0. */
  readonly modelPublished: boolean;
  /** The environment's name: it makes the services' log group names unique per environment. */
  readonly environmentName: string;
  /** Retention of log groups and access logs. */
  readonly logRetention: logs.RetentionDays;
  /** Days AWS Backup keeps the model cache's recovery points. */
  readonly backupRetentionDays: number;
  /** What happens to the buckets, the file system and the queues when they leave the app. */
  readonly removalPolicy: RemovalPolicy;
  /** Who hears the service's alarms and its fleet's launch and terminate failures. */
  readonly notifications: NotificationTargets;
  /**
   * The model bucket's part in failover to a second Region: the primary's replicates `models/`
   * to the standby's (`replicateModelsTo`), the standby's has the name that rule gives it and
   * goes with its stack (`bucketName`, `removalPolicy`).
   * @default - a bucket of its own: a generated name, `removalPolicy`, no replication
   */
  readonly modelBucket?: Pick<ModelBucketProps, 'bucketName' | 'replicateModelsTo' | 'removalPolicy'>;
}

/** Props of {@link AiInferenceStack}. */
export interface AiInferenceStackProps extends StackProps, AiInferenceSettings {
  /** The environment's network. */
  readonly network: EnvironmentNetwork;
}

/**
 * The config's inference settings, as written: each service keeps its fleet's MinSize 0 until the
 * models are published (so a new environment starts no instance that could only fail to load
 * one), and validates `fleet.minCapacity` as the config states it either way.
 */
export function aiInferenceSettingsOf(config: EnvironmentConfig): AiInferenceSettings {
  return {
    services: Object.fromEntries(inferenceServicesOf(config)),
    modelPublished: config.modelPublished,
    environmentName: config.name,
    logRetention: config.logRetention,
    backupRetentionDays: config.backupRetentionDays,
    removalPolicy: config.removalPolicy,
    notifications: config.notifications ?? {},
    ...(config.secondaryRegion ? { modelBucket: { replicateModelsTo: modelReplicaOf(config.name, config.secondaryRegion) } } : {}),
  };
}

/** Names in `names` that `nameOf` maps to one value, as `"a" and "b" (value)`, or undefined. */
function clash(names: readonly string[], nameOf: (name: string) => readonly string[]): string | undefined {
  const owner = new Map<string, string>();
  for (const name of names) {
    for (const value of nameOf(name)) {
      const other = owner.get(value);
      if (other !== undefined && other !== name) return `"${other}" and "${name}" (${value})`;
      owner.set(value, name);
    }
  }
  return undefined;
}

/**
 * The rules of the services' names, `field` naming the map (e.g. `dev.inference`): at least one
 * service, each name valid, and no two services get one construct id or one stack output key.
 */
export function aiInferenceServicesProblems(field: string, services: Readonly<Record<string, unknown>>): Problem[] {
  const names = Object.keys(services);
  const sameId = clash(names, (name) => [serviceConstructId(name)]);
  const sameOutput = clash(names, (name) => INFERENCE_SERVICE_OUTPUTS.map((output) => `${serviceOutputPrefix(name)}${output}`));
  return [
    names.length > 0 ? undefined : `${field} has no service: define at least one (docs/environments.md "Adding a service")`,
    ...names.map((name) => checkServiceName(`${field}.${name}`, name)),
    sameId === undefined ? undefined : `${field} services ${sameId} get one construct id: rename one`,
    sameOutput === undefined ? undefined : `${field} services ${sameOutput} get one stack output key: rename one`,
  ];
}

/**
 * Logical ids the job queues had before the service construct owned them: kept, so a refactor
 * never replaces a queue (and drops its jobs). New services get ids from their path.
 */
const KEPT_LOGICAL_IDS: Readonly<Record<string, string>> = {
  ServiceJobsQueueD9F9A685: 'JobsQueue24944186',
  ServiceJobsDeadLetterQueue90469DEA: 'JobsDeadLetterQueue8CC426EE',
};

/** The queue-fed GPU inference of one environment: the shared model bucket and cache, and its services. */
export class AiInferenceStack extends Stack {
  /** The versioned model bucket. */
  public readonly models: ModelBucket;
  /** The EFS model cache. */
  public readonly modelCache: ModelCache;
  /** The environment's inference services by name. */
  public readonly services: Readonly<Record<string, InferenceService>>;
  /** The people subscribed to the services' alarm topics. */
  public readonly notifications: NotificationSubscriptions;

  constructor(scope: Construct, id: string, props: AiInferenceStackProps) {
    super(scope, id, props);
    throwIfProblems(...aiInferenceServicesProblems('services', props.services));
    for (const [generated, kept] of Object.entries(KEPT_LOGICAL_IDS)) this.renameLogicalId(generated, kept);
    const { removalPolicy, network } = props;

    // The stack's log groups share one key (CT.CLOUDWATCH.PR.3): see LogsEncryptionKey for why one per stack.
    const logEncryptionKey = new LogsEncryptionKey(this, 'LogsKey', { removalPolicy }).key;
    const accessLogs = new AccessLogsBucket(this, 'AccessLogs', { expirationDays: props.logRetention, removalPolicy });
    this.models = new ModelBucket(this, 'Models', { removalPolicy, serverAccessLogsBucket: accessLogs.bucket, ...props.modelBucket });
    this.modelCache = new ModelCache(this, 'ModelCache', {
      vpc: network.vpc,
      vpcSubnets: network.privateSubnets,
      backupRetentionDays: props.backupRetentionDays,
      removalPolicy,
    });
    const services: Record<string, InferenceService> = {};
    for (const [name, settings] of Object.entries(props.services)) {
      const service = new InferenceService(this, serviceConstructId(name), {
        ...settings,
        modelPublished: props.modelPublished,
        vpc: network.vpc,
        clientCidr: network.cidr,
        modelBucket: this.models,
        modelCache: this.modelCache,
        accessLogsBucket: accessLogs.bucket,
        logGroupPrefix: serviceLogGroupPrefix(props.environmentName, name),
        logRetention: props.logRetention,
        logEncryptionKey,
        // What the environment retains, it also protects from deletion (CT.ELASTICLOADBALANCING.PR.5).
        deletionProtection: removalPolicy === RemovalPolicy.RETAIN,
        dashboardName: dashboardNameOf(this, name),
        removalPolicy,
      });
      service.addOutputs(serviceOutputPrefix(name));
      services[name] = service;
    }
    this.services = services;

    this.notifications = new NotificationSubscriptions(this, 'Notifications', {
      ...props.notifications,
      topics: Object.values(services).map((service) => service.fleet.notificationTopic),
    });

    const served = Object.values(services).map((service) => service.served.description).join(', ');
    new CfnOutput(this, 'ModelBucketName', {
      value: this.models.bucket.bucketName,
      description: `Upload models to models/{name}/{version}/model.tar.gz; this environment serves ${served}`,
    });
    new CfnOutput(this, 'FileSystemId', { value: this.modelCache.fileSystem.fileSystemId, description: 'EFS model cache' });
    new CfnOutput(this, 'ModelCacheBackupVaultName', {
      value: this.modelCache.backupVault.backupVaultName,
      description: 'AWS Backup vault of the model cache\'s daily recovery points; retained, named per deployment',
    });
  }
}
