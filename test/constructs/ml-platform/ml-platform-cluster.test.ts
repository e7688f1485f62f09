import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { MlPlatformCluster, MlPlatformClusterProps } from '../../../lib/constructs/ml-platform/ml-platform-cluster';
import { appliedObjects, validateAgainstSchema } from '../../helpers/kubernetes-manifests';
import { appWithFeatureFlags, networkStack } from './fixtures';
import { EXAMPLE_STACK, resolve } from '../../helpers/fake-cloudformation';

function clusterStack(overrides: Partial<MlPlatformClusterProps> = {}): { stack: Stack; cluster: MlPlatformCluster } {
  const app = appWithFeatureFlags();
  const { vpc } = networkStack(app);
  const stack = new Stack(app, 'Ml');
  const cluster = new MlPlatformCluster(stack, 'Cluster', {
    vpc, kubernetesVersion: eks.KubernetesVersion.V1_35, logRetention: logs.RetentionDays.ONE_WEEK, ...overrides,
  });
  return { stack, cluster };
}

describe('MlPlatformCluster', () => {
  const { stack } = clusterStack({ adminPrincipalArns: ['arn:aws:iam::123456789012:role/PlatformAdmin'] });
  const template = Template.fromStack(stack);

  test('pins the Kubernetes version and runs Auto Mode with only the built-in system pool', () => {
    template.hasResourceProperties('AWS::EKS::Cluster', {
      Version: '1.35',
      ComputeConfig: { Enabled: true, NodePools: ['system'] },
      AccessConfig: { AuthenticationMode: 'API', BootstrapClusterCreatorAdminPermissions: false },
    });
  });

  test('has a private API endpoint only', () => {
    template.hasResourceProperties('AWS::EKS::Cluster', { ResourcesVpcConfig: { EndpointPrivateAccess: true, EndpointPublicAccess: false } });
  });

  test('logs every control-plane log type', () => {
    template.hasResourceProperties('AWS::EKS::Cluster', {
      Logging: { ClusterLogging: { EnabledTypes: ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'].map((type) => ({ Type: type })) } },
    });
  });

  test('creates the control-plane log group, with retention, before the cluster', () => {
    const [id] = Object.keys(template.findResources('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 7 } }));
    template.hasResource('AWS::EKS::Cluster', { DependsOn: Match.arrayWith([id]) });
  });

  test('retained, the control-plane log group is the one EKS writes to, and both names carry the deployment\'s stack UUID', () => {
    const [logGroup] = Object.values(template.findResources('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 7 } }));
    const [cluster] = Object.values(template.findResources('AWS::EKS::Cluster'));
    const clusterName = resolve(cluster.Properties.Name, EXAMPLE_STACK) as string;
    expect(clusterName).toMatch(/^MlCluster[0-9A-F]{8}-51af3dc0-da77-11e4-872e-1234567db123$/);
    expect(clusterName.length).toBeLessThanOrEqual(100);
    expect([logGroup.DeletionPolicy, resolve(logGroup.Properties.LogGroupName, EXAMPLE_STACK)]).toEqual(['Retain', `/aws/eks/${clusterName}/cluster`]);
  });

  test('a cluster whose logs go with the stack keeps its plain name', () => {
    const other = Template.fromStack(clusterStack({ removalPolicy: RemovalPolicy.DESTROY }).stack);
    other.hasResourceProperties('AWS::EKS::Cluster', { Name: Match.stringLikeRegexp('^MlCluster[0-9A-F]{8}$') });
  });

  test('encrypts Kubernetes Secrets with a rotated key of the account that grants only to AWS resources', () => {
    template.hasResourceProperties('AWS::EKS::Cluster', {
      EncryptionConfig: [{ Provider: { KeyArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ClusterSecretsKey'), 'Arn'] } }, Resources: ['secrets'] }],
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'DenyGrantsExceptForAwsResources', Effect: 'Deny' })]) },
    });
  });

  test('without a logs key, leaves its log groups to CloudWatch Logs\' own encryption', () => {
    expect(Object.values(template.findResources('AWS::Logs::LogGroup')).filter((r) => r.Properties?.KmsKeyId)).toEqual([]);
  });

  test('gives the admin principals a cluster-admin access entry', () => {
    template.hasResourceProperties('AWS::EKS::AccessEntry', {
      PrincipalArn: 'arn:aws:iam::123456789012:role/PlatformAdmin',
      AccessPolicies: [Match.objectLike({ PolicyArn: { 'Fn::Join': ['', Match.arrayWith([':eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy']) ] } })],
    });
  });

  test('runs the kubectl provider inside the VPC, to reach the private endpoint', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'onEvent handler for EKS kubectl resource provider',
      VpcConfig: { SubnetIds: Match.anyValue() },
    });
  });

  test('applies an encrypted gp3 default StorageClass that passes its schema', () => {
    const classes = Object.values(appliedObjects(template)).flat().filter((o) => o.kind === 'StorageClass');
    classes.forEach(validateAgainstSchema);
    expect(classes).toEqual([expect.objectContaining({ provisioner: 'ebs.csi.eks.amazonaws.com', parameters: { type: 'gp3', encrypted: 'true' } })]);
  });
});

describe('MlPlatformCluster validation', () => {
  test('a Kubernetes version without a kubectl layer', () => {
    expect(() => clusterStack({ kubernetesVersion: eks.KubernetesVersion.V1_34 })).toThrow(/kubernetesVersion \(1.34\) has no kubectl layer: .*install @aws-cdk\/lambda-layer-kubectl-v34/);
  });

  test('another version with its own kubectl layer is accepted', () => {
    const { stack } = clusterStack({
      kubernetesVersion: eks.KubernetesVersion.V1_34,
      kubectlLayer: lambda.LayerVersion.fromLayerVersionArn(new Stack(), 'Layer', 'arn:aws:lambda:eu-central-1:123456789012:layer:kubectl:1'),
    });
    Template.fromStack(stack).hasResourceProperties('AWS::EKS::Cluster', { Version: '1.34' });
  });

  test('an admin principal that is not an IAM role or user ARN', () => {
    expect(() => clusterStack({ adminPrincipalArns: ['PlatformAdmin'] })).toThrow(/adminPrincipalArns \(PlatformAdmin\) must be IAM role or user ARNs/);
  });
});

describe('MlPlatformCluster with a logs key', () => {
  const { stack } = clusterStack();
  const key = new kms.Key(stack, 'LogsKey');
  const keyed = new MlPlatformCluster(stack, 'Keyed', {
    vpc: (stack.node.findChild('Cluster') as MlPlatformCluster).cluster.vpc,
    kubernetesVersion: eks.KubernetesVersion.V1_35, logRetention: logs.RetentionDays.ONE_WEEK, logsEncryptionKey: key,
  });
  const template = Template.fromStack(stack);

  test('encrypts the control plane\'s and the kubectl provider\'s log groups with it', () => {
    const keyedGroups = keyed.node.findAll().filter((c): c is logs.CfnLogGroup => c instanceof logs.CfnLogGroup);
    expect(keyedGroups.length).toBeGreaterThan(1);
    for (const group of keyedGroups) {
      expect(template.toJSON().Resources[stack.getLogicalId(group)].Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [stack.getLogicalId(key.node.defaultChild as kms.CfnKey), 'Arn'] });
    }
  });
});

