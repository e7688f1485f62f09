import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as efs from 'aws-cdk-lib/aws-efs';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { retainedName } from '../../retained-name';
import { exemptFromControlTower } from '../../compliance/control-tower-exemption';
import { checkWholeNumberAtLeast, throwIfProblems } from '../../validation';

/** Props of {@link ModelCache}. */
export interface ModelCacheProps {
  /** VPC of the fleet. */
  readonly vpc: ec2.IVpc;
  /**
   * Subnets of the mount targets: the fleet's subnets.
   * @default - the VPC's private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /** Days AWS Backup keeps a daily recovery point of the file system. */
  readonly backupRetentionDays: number;
  /**
   * What happens to the file system when it leaves the app.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * POSIX user and group id that owns `/models` and that every client acts as.
   * @default 1000 (ec2-user on Amazon Linux)
   */
  readonly posixId?: number;
}

/**
 * The EFS model cache: models are extracted here once and shared by every instance, so a new
 * instance loads its model from the cache instead of downloading and unpacking it again.
 * Encrypted, elastic throughput, moved to Infrequent Access after 30 days unused, backed up
 * daily by AWS Backup, reached only through the `/models` access point.
 */
export class ModelCache extends Construct implements ec2.IConnectable {
  /** The file system. */
  public readonly fileSystem: efs.IFileSystem;
  /** The `/models` access point clients mount. */
  public readonly accessPoint: efs.IAccessPoint;
  /** The mount targets' security group: allow NFS from clients through it. */
  public readonly connections: ec2.Connections;
  /** The AWS Backup vault of the daily recovery points; retained, so they outlive the stack. */
  public readonly backupVault: backup.IBackupVault;

  constructor(scope: Construct, id: string, props: ModelCacheProps) {
    super(scope, id);
    const posixId = props.posixId ?? 1000;
    throwIfProblems(
      checkWholeNumberAtLeast('backupRetentionDays', props.backupRetentionDays, 1),
      checkWholeNumberAtLeast('posixId', posixId, 0),
    );

    const fileSystem = new efs.FileSystem(this, 'FileSystem', {
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      encrypted: true,
      throughputMode: efs.ThroughputMode.ELASTIC,
      lifecyclePolicy: efs.LifecyclePolicy.AFTER_30_DAYS,
      outOfInfrequentAccessPolicy: efs.OutOfInfrequentAccessPolicy.AFTER_1_ACCESS,
      // The backup plan below keeps the configured retention; EFS's own backups would keep 35 days on top.
      enableAutomaticBackups: false,
      allowAnonymousAccess: false,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    // EFS automatic backups use the default EFS backup plan: daily, kept 35 days
    // (https://docs.aws.amazon.com/efs/latest/ug/awsbackup.html).
    exemptFromControlTower(this, fileSystem, {
      control: 'CT.ELASTICFILESYSYSTEM.PR.2',
      reason: 'The model cache is backed up daily by its own AWS Backup plan with its backupRetentionDays; EFS automatic backups would add a second plan keeping 35 days on top. The cache can also be rebuilt from the model bucket.',
    });
    this.fileSystem = fileSystem;
    this.connections = fileSystem.connections;
    this.accessPoint = fileSystem.addAccessPoint('Models', {
      path: '/models',
      createAcl: { ownerUid: String(posixId), ownerGid: String(posixId), permissions: '755' },
      posixUser: { uid: String(posixId), gid: String(posixId) },
    });

    const plan = new backup.BackupPlan(this, 'Backup', {
      backupPlanRules: [
        new backup.BackupPlanRule({
          ruleName: 'Daily',
          scheduleExpression: events.Schedule.cron({ hour: '3', minute: '0' }),
          deleteAfter: Duration.days(props.backupRetentionDays),
        }),
      ],
    });
    // The plan's vault is retained (it holds the recovery points) and AWS Backup requires a vault
    // name: one unique per deployment, so that the environment can be destroyed and deployed again.
    // L1 override: BackupPlan names its own vault, which keeps the vault's logical id.
    this.backupVault = plan.backupVault;
    (plan.backupVault.node.defaultChild as backup.CfnBackupVault).backupVaultName = retainedName(this, 'model-cache', RemovalPolicy.RETAIN);
    const selection = plan.addSelection('FileSystem', { resources: [backup.BackupResource.fromEfsFileSystem(fileSystem)] });
    Validations.of(selection).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
      reason: 'AWS Backup assumes this role to snapshot the file system; AWS maintains this service-role policy for exactly that purpose.',
    });
  }

  /** Lets `client` reach the mount targets (NFS) and mount and write the cache, through the `/models` access point only. */
  public grantMount(client: iam.IGrantable & ec2.IConnectable): iam.Grant {
    this.connections.allowDefaultPortFrom(client, 'NFS from the fleet');
    return iam.Grant.addToPrincipal({
      grantee: client,
      actions: ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'],
      resourceArns: [this.fileSystem.fileSystemArn],
      conditions: { StringEquals: { 'elasticfilesystem:AccessPointArn': this.accessPoint.accessPointArn } },
    });
  }
}
