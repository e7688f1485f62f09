import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ENVIRONMENTS, mergeConfig } from '../../lib/config';
import { dev } from '../../lib/config/dev';
import { prod } from '../../lib/config/prod';
import { staging } from '../../lib/config/staging';
import { AiInfraStage } from '../../lib/stacks/ai-infra-stage';
import { mlNodePoolsOf, mlPlatformSettingsOf } from '../../lib/stacks/ml-platform-stack';
import { appliedObjects, AppliedObject, validateAgainstSchema } from '../helpers/kubernetes-manifests';
import { renderDashboards } from '../helpers/dashboard';
import { EXAMPLE_STACK, REGION, resolve } from '../helpers/fake-cloudformation';
import { synthStage } from '../helpers/synth-stage';
import { MLFLOW_TRACKING_SERVER_DEFAULTS } from '../../lib/constructs/ml-platform/mlflow-tracking-server';

/** Logical id of the artifact bucket: a change here replaces (and empties) the bucket of every MLflow run. */
const ARTIFACT_BUCKET = 'ArtifactsBucket88671897';

const OUTPUTS = [
  'MlflowTrackingServerArn', 'MlflowTrackingServerName', 'MlflowRunLoggerPolicyArn', 'ArtifactBucketName', 'ClusterName', 'KubeconfigCommand', 'DashboardUrl',
];

describe('mlPlatformSettingsOf', () => {
  const settings = mlPlatformSettingsOf(staging);

  test('takes the cluster, the NodePools and MLflow from mlPlatform', () => {
    const { cluster, gpuNodePool, cpuNodePool, mlflow } = staging.mlPlatform;
    expect(settings).toMatchObject({ cluster, gpuNodePool, cpuNodePool, mlflow });
  });

  test('takes log retention and removal policy from the environment', () => {
    expect([settings.logRetention, settings.removalPolicy]).toEqual([staging.logRetention, staging.removalPolicy]);
  });
});

describe('mlNodePoolsOf', () => {
  const pools = mlNodePoolsOf(mlPlatformSettingsOf(staging));

  test('makes gpuNodePool the GPU pool and cpuNodePool a CPU pool', () => {
    expect([pools.gpu.gpu, pools.cpu.gpu]).toEqual([true, false]);
  });
});

describe('the stage', () => {
  const stackIdsOf = (config: typeof dev): string[] =>
    new AiInfraStage(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), config.name, { config }).node.children.map((c) => c.node.id);

  test('has no MlPlatform stack where mlPlatform.enabled is false (dev by default)', () => {
    expect(stackIdsOf(dev)).not.toContain('MlPlatform');
  });

  test.each(ENVIRONMENTS.filter((c) => c.mlPlatform.enabled).map((c) => c.name))('%s has the MlPlatform stack', (name) => {
    expect(stackIdsOf(ENVIRONMENTS.find((c) => c.name === name) ?? dev)).toContain('MlPlatform');
  });

  test('switching dev on adds the stack', () => {
    expect(stackIdsOf(mergeConfig(dev, { mlPlatform: { enabled: true } }))).toContain('MlPlatform');
  });
});

describe('staging MlPlatform stack', () => {
  const { templates } = synthStage(staging);
  const template: Template = templates.MlPlatform;
  const objects: AppliedObject[] = Object.values(appliedObjects(template)).flat();
  const nodePool = (name: string) => objects.find((o) => o.kind === 'NodePool' && o.metadata.name === name) as AppliedObject & { spec: Record<string, never> };

  test('applies only objects that pass their schema', () => {
    for (const object of objects) validateAgainstSchema(object);
    expect(objects.length).toBeGreaterThan(80);
  });

  test('applies the gpu NodePool with the config\'s instance types and limits', () => {
    const { instanceTypes, limits } = staging.mlPlatform.gpuNodePool;
    expect(nodePool('gpu').spec).toMatchObject({
      template: { spec: { requirements: expect.arrayContaining([{ key: 'node.kubernetes.io/instance-type', operator: 'In', values: instanceTypes }]) } },
      limits: { 'cpu': limits.cpu, 'memory': `${limits.memoryGiB}Gi`, 'nvidia.com/gpu': limits.gpus },
      disruption: { consolidationPolicy: 'WhenEmpty', consolidateAfter: '300s' },
    });
  });

  test('applies the cpu NodePool without GPUs', () => {
    expect(nodePool('cpu').spec.limits).toEqual({ cpu: staging.mlPlatform.cpuNodePool.limits.cpu, memory: `${staging.mlPlatform.cpuNodePool.limits.memoryGiB}Gi` });
  });

  test('pins the Kubernetes version from the config', () => {
    template.hasResourceProperties('AWS::EKS::Cluster', { Version: staging.mlPlatform.cluster.kubernetesVersion.version });
  });

  test("runs the cluster in the environment's network, with no VPC of its own", () => {
    template.resourceCountIs('AWS::EC2::VPC', 0);
    template.hasResourceProperties('AWS::EKS::Cluster', {
      ResourcesVpcConfig: { SubnetIds: Match.arrayWith([{ 'Fn::ImportValue': Match.stringLikeRegexp('^staging-Network:') }]) },
    });
  });

  test('sizes MLflow from the config', () => {
    template.hasResourceProperties('AWS::SageMaker::MlflowTrackingServer', {
      TrackingServerSize: staging.mlPlatform.mlflow.size ?? MLFLOW_TRACKING_SERVER_DEFAULTS.size,
      WeeklyMaintenanceWindowStart: staging.mlPlatform.mlflow.weeklyMaintenanceWindowStart,
    });
  });

  test('keeps the artifact bucket logical id, with the configured removal policy', () => {
    expect(template.toJSON().Resources[ARTIFACT_BUCKET]).toMatchObject({ Type: 'AWS::S3::Bucket', DeletionPolicy: 'Delete' });
  });

  test('lets pipeline pods, the training cluster and spot fleet, and the SageMaker execution role log MLflow runs', () => {
    const fromTraining = (role: string) => ({ 'Fn::ImportValue': Match.stringLikeRegexp(`^staging-Training:ExportsOutputRef${role}`) });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: ['sagemaker-mlflow:*', 'sagemaker:DescribeMlflowTrackingServer'] })]) },
      Roles: [{ Ref: Match.stringLikeRegexp('^Pipelinespipelinerunner') }, fromTraining('ClusterInstanceRole'), fromTraining('SageMakerExecutionRole')],
    });
  });

  test('runs Kubeflow Pipelines on the cpu NodePool once it exists', () => {
    const install = Object.entries(template.findResources('Custom::AWSCDK-EKS-KubernetesResource')).find(([id]) => id.startsWith('PipelinesInstall'));
    expect(install?.[1].DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^CpuNodePool/)]));
  });

  test('has exactly the outputs users read', () => {
    expect(Object.keys(template.findOutputs('*')).sort()).toEqual([...OUTPUTS].sort());
  });

  test('its dashboard, linked by DashboardUrl, is <stack>-<Region> and reads the cluster\'s and the artifact bucket\'s metrics', () => {
    const url = String(resolve(template.toJSON().Outputs.DashboardUrl.Value, EXAMPLE_STACK));
    const dashboard = renderDashboards(template)[url.split('#dashboards:name=')[1]];
    expect(dashboard.name).toBe(`${staging.name}-MlPlatform-${staging.region ?? REGION}`);
    const cluster = resolve(template.toJSON().Outputs.ClusterName.Value, EXAMPLE_STACK);
    const eks = dashboard.widgets.flatMap((w) => w.metrics).filter((m) => m.namespace === 'AWS/EKS');
    expect(new Set(eks.map((m) => m.dimensions.ClusterName))).toEqual(new Set([cluster]));
    const buckets = dashboard.widgets.flatMap((w) => w.metrics).filter((m) => m.namespace === 'AWS/S3').map((m) => m.dimensions.BucketName);
    expect(buckets).toEqual([ARTIFACT_BUCKET, ARTIFACT_BUCKET]);
  });

  test('outputs the tracking server ARN, the URI for mlflow.set_tracking_uri', () => {
    template.hasOutput('MlflowTrackingServerArn', { Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Mlflow'), 'TrackingServerArn'] } });
  });

  test('outputs the kubeconfig command for kubectl port-forward', () => {
    template.hasOutput('KubeconfigCommand', { Value: { 'Fn::Join': ['', Match.arrayWith(['aws eks update-kubeconfig --name ', ' --region '])] } });
  });
});

describe('prod MlPlatform stack', () => {
  const template = synthStage(prod).templates.MlPlatform;

  test('retains the artifact bucket, as prod retains stateful resources', () => {
    expect(template.toJSON().Resources[ARTIFACT_BUCKET].DeletionPolicy).toBe('Retain');
  });

  test('retains the control-plane logs, kept as long as prod keeps logs', () => {
    const [logGroup] = Object.values(template.findResources('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 365 }, DeletionPolicy: 'Retain' }));
    expect(resolve(logGroup.Properties.LogGroupName, EXAMPLE_STACK)).toMatch(/^\/aws\/eks\/prodMlPlatformCluster[0-9A-F]{8}-51af3dc0-da77-11e4-872e-1234567db123\/cluster$/);
  });
});
