import { BackupClient } from '@aws-sdk/client-backup';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECRClient } from '@aws-sdk/client-ecr';
import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';

/** The AWS clients of the preflight, all of one region. Every call they make reads; nothing is changed. */
export interface PreflightClients {
  /** The caller's account (GetCallerIdentity). */
  readonly sts: STSClient;
  /** The bootstrap version and the Deep Learning AMI parameter (GetParameter). */
  readonly ssm: SSMClient;
  /** Quota codes and values (ListAWSDefaultServiceQuotas, GetServiceQuota). */
  readonly serviceQuotas: ServiceQuotasClient;
  /** vCPUs of instance types, allocated Elastic IPs (DescribeInstanceTypes, DescribeAddresses). */
  readonly ec2: EC2Client;
  /** Account concurrency and current reservations (GetAccountSettings, GetFunctionConcurrency). */
  readonly lambda: LambdaClient;
  /** What the environment's deployed stacks already own (ListStackResources). */
  readonly cloudFormation: CloudFormationClient;
  /** Leftover log groups (DescribeLogGroups). */
  readonly logs: CloudWatchLogsClient;
  /** Leftover backup vaults (DescribeBackupVault). */
  readonly backup: BackupClient;
  /** Leftover buckets (HeadBucket). */
  readonly s3: S3Client;
  /** The ECR client of a region: the serving image's registry (BatchGetImage). */
  readonly ecrFor: (region: string) => ECRClient;
  /** The ML platform's admin principals (GetRole, GetUser). */
  readonly iam: IAMClient;
}

/** The clients of `region`, with the default credential chain. */
export function createClients(region: string): PreflightClients {
  return {
    sts: new STSClient({ region }),
    ssm: new SSMClient({ region }),
    serviceQuotas: new ServiceQuotasClient({ region }),
    ec2: new EC2Client({ region }),
    lambda: new LambdaClient({ region }),
    cloudFormation: new CloudFormationClient({ region }),
    logs: new CloudWatchLogsClient({ region }),
    backup: new BackupClient({ region }),
    s3: new S3Client({ region }),
    ecrFor: (imageRegion) => new ECRClient({ region: imageRegion }),
    iam: new IAMClient({ region }),
  };
}

/** Whether `error` is one of the AWS errors `names` (the SDK's exception name). */
export function isError(error: unknown, ...names: string[]): boolean {
  return error instanceof Error && names.includes(error.name);
}
