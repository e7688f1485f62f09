import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { KubeflowPipelines } from '../../../lib/constructs/ml-platform/kubeflow-pipelines';
import { MlPlatformCluster } from '../../../lib/constructs/ml-platform/ml-platform-cluster';
import { AppliedObject, TOKEN_PLACEHOLDER, appliedObjects, validateAgainstSchema } from '../../helpers/kubernetes-manifests';
import { appWithFeatureFlags } from './fixtures';

const app = appWithFeatureFlags();
const stack = new Stack(app, 'Ml', { env: { account: '123456789012', region: 'eu-central-1' } });
const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1, restrictDefaultSecurityGroup: false });
const { cluster } = new MlPlatformCluster(stack, 'Cluster', { vpc, kubernetesVersion: eks.KubernetesVersion.V1_35, logRetention: logs.RetentionDays.ONE_WEEK });
new KubeflowPipelines(stack, 'Pipelines', { cluster, artifactBucket: new s3.Bucket(stack, 'Artifacts') });
const template = Template.fromStack(stack);
const byResource = appliedObjects(template);
const objects = Object.entries(byResource).filter(([id]) => id.startsWith('Pipelines')).flatMap(([, o]) => o);

/** The regional S3 endpoint; the domain is the AWS::URLSuffix of the partition, a reference. */
const S3_ENDPOINT = `s3.eu-central-1.${TOKEN_PLACEHOLDER}`;

function object(kind: string, name: string): AppliedObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (found === undefined) throw new Error(`no ${kind} ${name}`);
  return found;
}

function env(deployment: string): Record<string, unknown> {
  const spec = object('Deployment', deployment).spec as { template: { spec: { containers: { env: { name: string; value?: string; valueFrom?: unknown }[] }[] } } };
  return Object.fromEntries(spec.template.spec.containers[0].env.map((e) => [e.name, e.value ?? e.valueFrom]));
}

test('every object applied passes the schema of its kind', () => {
  for (const o of objects) validateAgainstSchema(o);
  expect(objects).toHaveLength(82);
});

test('applies no in-cluster object store and no static object store credentials', () => {
  expect(JSON.stringify(objects)).not.toMatch(/seaweedfs|mlpipeline-minio-artifact|minio123/);
});

test('applies each CRD in its own resource, and the install after them', () => {
  const crdIds = Object.entries(byResource).filter(([, o]) => o.some((x) => x.kind === 'CustomResourceDefinition')).map(([id]) => id);
  expect(crdIds.map((id) => byResource[id].length)).toEqual(Array(11).fill(1));
  const [installId] = Object.keys(byResource).filter((id) => id.startsWith('PipelinesInstall'));
  template.hasResource('Custom::AWSCDK-EKS-KubernetesResource', { DependsOn: Match.arrayWith(crdIds) });
  expect(installId).toBeDefined();
});

test('points the API server at S3 in the stack region with SDK credentials', () => {
  expect(env('ml-pipeline')).toMatchObject({
    OBJECTSTORECONFIG_HOST: S3_ENDPOINT, OBJECTSTORECONFIG_SECURE: 'true', OBJECTSTORECONFIG_REGION: 'eu-central-1',
  });
  expect(Object.keys(env('ml-pipeline'))).not.toEqual(expect.arrayContaining(['OBJECTSTORECONFIG_ACCESSKEY']));
});

test('gives the UI the region and endpoint instead of object store keys', () => {
  expect(env('ml-pipeline-ui')).toMatchObject({ AWS_REGION: 'eu-central-1', AWS_S3_ENDPOINT: S3_ENDPOINT });
  expect(Object.keys(env('ml-pipeline-ui'))).not.toContain('MINIO_ACCESS_KEY');
});

test('roots pipelines under pipelines/ of the bucket, with the launcher using SDK credentials', () => {
  const data = object('ConfigMap', 'kfp-launcher').data as { defaultPipelineRoot: string; providers: string };
  expect(data.defaultPipelineRoot).toBe(`s3://${TOKEN_PLACEHOLDER}/pipelines/`);
  expect(JSON.parse(data.providers)).toEqual({ s3: { default: { endpoint: S3_ENDPOINT, region: 'eu-central-1', forcePathStyle: false, credentials: { fromEnv: true } } } });
});

test('archives Argo logs to S3 with SDK credentials', () => {
  const repository = JSON.parse((object('ConfigMap', 'workflow-controller-configmap').data as { artifactRepository: string }).artifactRepository) as { s3: Record<string, unknown> };
  expect(repository.s3).toMatchObject({ useSDKCreds: true, region: 'eu-central-1', keyFormat: expect.stringMatching(/^pipelines\/logs\//) });
});

test.each(['ml-pipeline', 'ml-pipeline-ui', 'pipeline-runner'])('binds a role to %s through EKS Pod Identity', (serviceAccount) => {
  template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', {
    Namespace: 'kubeflow', ServiceAccount: serviceAccount, RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp(`^Pipelines${serviceAccount.replace(/-/g, '')}Role`), 'Arn'] },
  });
});

test('the UI role may only read artifacts', () => {
  template.hasResourceProperties('AWS::IAM::Policy', {
    Roles: [{ Ref: Match.stringLikeRegexp('^PipelinesmlpipelineuiRole') }],
    PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 's3:GetObject' })]) },
  });
});

test('pod roles trust EKS Pod Identity, with session tags', () => {
  template.hasResourceProperties('AWS::IAM::Role', {
    AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Action: ['sts:AssumeRole', 'sts:TagSession'], Principal: { Service: 'pods.eks.amazonaws.com' } })] },
  });
});
