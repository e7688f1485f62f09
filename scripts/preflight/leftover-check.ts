import { BackupClient, DescribeBackupVaultCommand } from '@aws-sdk/client-backup';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { isError } from './clients';
import { DeployedResources } from './deployed-resources';
import { FixedName } from './fixed-names';
import { PreflightResult, fail, pass, warn } from './result';

/** The clients that can tell whether a named resource exists. */
export interface LeftoverClients {
  readonly logs: CloudWatchLogsClient;
  readonly backup: BackupClient;
  readonly s3: S3Client;
}

/** How to tell whether a resource of one type and name exists, and the command that deletes a leftover. */
interface Finder {
  readonly exists: (clients: LeftoverClients, name: string) => Promise<boolean>;
  readonly deleteCommand: (name: string) => string;
}

/** The types of fixed-name resources the templates hold today, and how to find each. */
const FINDERS: Readonly<Record<string, Finder>> = {
  'AWS::Logs::LogGroup': {
    exists: async ({ logs }, name) => {
      const { logGroups = [] } = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name }));
      return logGroups.some((group) => group.logGroupName === name);
    },
    deleteCommand: (name) => `aws logs delete-log-group --log-group-name '${name}' (export what you need first)`,
  },
  'AWS::Backup::BackupVault': {
    exists: async ({ backup }, name) => {
      try {
        await backup.send(new DescribeBackupVaultCommand({ BackupVaultName: name }));
        return true;
      } catch (error) {
        if (isError(error, 'ResourceNotFoundException')) return false;
        throw error;
      }
    },
    deleteCommand: (name) => `delete its recovery points (aws backup list-recovery-points-by-backup-vault --backup-vault-name '${name}'), then aws backup delete-backup-vault --backup-vault-name '${name}'`,
  },
  'AWS::S3::Bucket': {
    // HeadBucket: 404 NotFound when no bucket has the name; 403 or 301 when one exists elsewhere
    // (bucket names are global): https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadBucket.html
    exists: async ({ s3 }, name) => {
      try {
        await s3.send(new HeadBucketCommand({ Bucket: name }));
        return true;
      } catch (error) {
        if (isError(error, 'NotFound')) return false;
        const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        if (status === 403 || status === 301) return true;
        throw error;
      }
    },
    deleteCommand: (name) => `empty and delete it (aws s3 rb 's3://${name}' --force) or keep its data by giving the bucket another name`,
  },
};

/**
 * A resource with a fixed name cannot be created while another of that name exists: CloudFormation
 * fails the stack with AlreadyExists, which is what a resource the template retains (DeletionPolicy
 * Retain) leaves behind when an environment is torn down and deployed again. Each fixed name of
 * the templates is looked up; one the environment's deployed stack owns is its own, not a leftover.
 */
export async function leftoverChecks(clients: LeftoverClients, deployed: DeployedResources, names: readonly FixedName[]): Promise<PreflightResult[]> {
  if (names.length === 0) return [pass('leftovers', 'no resource of the environment has a fixed name')];
  const results: PreflightResult[] = [];
  for (const named of names) {
    const check = `leftover ${named.type} ${named.name}`;
    const finder = FINDERS[named.type];
    if ((await deployed.physicalIds(named.stackName)).get(named.logicalId) === named.name) {
      results.push(pass(check, `${named.stackName} owns it`));
    } else if (!finder) {
      results.push(warn(check, `the preflight cannot look ${named.type} up: make sure nothing of that name exists before deploying ${named.stackName}`));
    } else if (await finder.exists(clients, named.name)) {
      const why = named.retained ? `left by an earlier deploy (${named.stackName} retains it when deleted)` : 'created outside the stack';
      results.push(fail(check, `exists outside ${named.stackName}, ${why}: creating ${named.logicalId} fails with AlreadyExists`, finder.deleteCommand(named.name)));
    } else {
      results.push(pass(check, 'free'));
    }
  }
  return results;
}
