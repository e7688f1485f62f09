import { RemovalPolicy } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ModelCache, ModelCacheProps } from '../../../lib/constructs/inference/model-cache';
import { networkStack } from './fixtures';
import { EXAMPLE_STACK, resolve } from '../../helpers/fake-cloudformation';

function cache(overrides: Partial<ModelCacheProps> = {}) {
  const { stack, vpc } = networkStack();
  const construct = new ModelCache(stack, 'Cache', {
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    backupRetentionDays: 14,
    ...overrides,
  });
  return { stack, construct };
}

describe('ModelCache', () => {
  const { stack, construct } = cache();
  const vpc = stack.node.findChild('Vpc') as ec2.Vpc;
  const client = new ec2.Instance(stack, 'Client', {
    vpc,
    instanceType: new ec2.InstanceType('t3.micro'),
    machineImage: ec2.MachineImage.genericLinux({ 'us-east-1': 'ami-0123456789abcdef0' }),
  });
  construct.grantMount(client);
  const template = Template.fromStack(stack);

  test('is encrypted, moves cold files to IA and is retained by default', () => {
    template.hasResource('AWS::EFS::FileSystem', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        Encrypted: true,
        LifecyclePolicies: [{ TransitionToIA: 'AFTER_30_DAYS' }, { TransitionToPrimaryStorageClass: 'AFTER_1_ACCESS' }],
      }),
    });
  });

  test('has mount targets in both private subnets', () => {
    template.resourceCountIs('AWS::EFS::MountTarget', 2);
  });

  test('exposes /models through an access point', () => {
    template.hasResourceProperties('AWS::EFS::AccessPoint', {
      RootDirectory: { Path: '/models', CreationInfo: { OwnerUid: '1000', OwnerGid: '1000', Permissions: '755' } },
      PosixUser: { Uid: '1000', Gid: '1000' },
    });
  });

  test('AWS Backup keeps daily recovery points for the configured days', () => {
    template.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: { BackupPlanRule: [Match.objectLike({ Lifecycle: { DeleteAfterDays: 14 }, ScheduleExpression: 'cron(0 3 * * ? *)' })] },
    });
    template.hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupSelection: Match.objectLike({ Resources: Match.arrayWith([Match.objectLike({ 'Fn::Join': Match.anyValue() })]) }),
    });
  });

  test('the retained backup vault has a name of its own in each deployment, below AWS Backup\'s 50 characters', () => {
    const [id, vault] = Object.entries(template.findResources('AWS::Backup::BackupVault'))[0];
    expect(vault.DeletionPolicy).toBe('Retain');
    const name = resolve(vault.Properties.BackupVaultName, EXAMPLE_STACK) as string;
    expect(name).toBe('model-cache-51af3dc0-da77-11e4-872e-1234567db123');
    expect(name).toMatch(/^[a-zA-Z0-9\-_]{2,50}$/); // BackupVaultName's pattern
    expect(stack.resolve(construct.backupVault.backupVaultName)).toEqual({ 'Fn::GetAtt': [id, 'BackupVaultName'] });
  });

  test('has its own security group, which the mount targets use', () => {
    template.hasResourceProperties('AWS::EFS::MountTarget', {
      SecurityGroups: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^CacheFileSystemEfsSecurityGroup'), 'GroupId'] }],
    });
  });

  test('grantMount opens NFS from the client', () => {
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp',
      FromPort: 2049,
      ToPort: 2049,
      GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^CacheFileSystemEfsSecurityGroup'), 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ClientInstanceSecurityGroup'), 'GroupId'] },
    });
  });

  test('grantMount allows mount and write through the access point only', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^ClientInstanceRole') }],
      PolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'],
            Resource: Match.anyValue(),
            Condition: { StringEquals: { 'elasticfilesystem:AccessPointArn': Match.anyValue() } },
          },
        ],
      },
    });
  });

  test('the removal policy is a prop', () => {
    const other = cache({ removalPolicy: RemovalPolicy.DESTROY });
    Template.fromStack(other.stack).hasResource('AWS::EFS::FileSystem', { DeletionPolicy: 'Delete' });
  });

  test('rejects a backup retention of 0 days', () => {
    expect(() => cache({ backupRetentionDays: 0 })).toThrow(/backupRetentionDays \(0\) must be a whole number >= 1/);
  });

  test('rejects a negative POSIX id', () => {
    expect(() => cache({ posixId: -1 })).toThrow(/posixId \(-1\) must be a whole number >= 0/);
  });
});
