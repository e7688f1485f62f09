import { Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CostTaggingChecks } from '../../lib/nag/cost-tagging-checks';
import { GpuCostChecks } from '../../lib/nag/gpu-cost-checks';
import { appliedObjects, validateAgainstSchema } from '../helpers/kubernetes-manifests';
import { synthWithNag } from '../helpers/nag';
import { mlPlatformApp, tagLikeTheStage } from '../constructs/ml-platform/fixtures';

describe('the ML platform stack in an app with every pack', () => {
  const { app, stack, trainingRole } = mlPlatformApp();
  tagLikeTheStage(app);
  Validations.of(app).addPlugins(
    new AwsSolutionsChecks(app),
    new CostTaggingChecks(app),
    new GpuCostChecks(stack, { maxGpuInstancesPerFleet: 4, allowedInstanceTypes: ['g5.xlarge', 'g6.xlarge'], requireScaleToZero: true }),
  );
  const result = synthWithNag(app);
  const template = Template.fromJSON(app.synth().getStackByName(stack.stackName).template);
  const objects = Object.values(appliedObjects(template)).flat();

  test('has no unacknowledged finding of any pack', () => {
    expect(result.findings.filter((f) => f.constructPath.startsWith('MlPlatform/'))).toEqual([]);
  });

  test('applies only objects that pass their schema', () => {
    for (const object of objects) validateAgainstSchema(object);
    expect(objects.length).toBeGreaterThan(80);
  });

  test('applies a gpu and a cpu NodePool', () => {
    expect(objects.filter((o) => o.kind === 'NodePool').map((o) => o.metadata.name).sort()).toEqual(['cpu', 'gpu']);
  });

  test('keeps the artifact bucket logical id, so a refactor cannot replace it', () => {
    template.hasResource('AWS::S3::Bucket', { Properties: { VersioningConfiguration: { Status: 'Enabled' } }, UpdateReplacePolicy: 'Delete' });
    expect(Object.keys(template.findResources('AWS::S3::Bucket', { Properties: { VersioningConfiguration: { Status: 'Enabled' } } }))).toEqual(['ArtifactsBucket88671897']);
  });

  test('lets the training role and the pipeline pods log MLflow runs through one managed policy', () => {
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: ['sagemaker-mlflow:*', 'sagemaker:DescribeMlflowTrackingServer'] })]) },
      Roles: [{ Ref: Match.stringLikeRegexp('^Pipelinespipelinerunner') }, { 'Fn::GetStackOutput': Match.objectLike({ StackName: 'Network' }) }],
    });
    expect(trainingRole.node.tryFindChild('DefaultPolicy')).toBeUndefined();
  });

  test('outputs the tracking server ARN for mlflow.set_tracking_uri', () => {
    template.hasOutput('MlflowTrackingServerArn', { Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Mlflow'), 'TrackingServerArn'] } });
  });

  test('outputs the kubeconfig command for kubectl port-forward', () => {
    template.hasOutput('KubeconfigCommand', { Value: { 'Fn::Join': ['', Match.arrayWith(['aws eks update-kubeconfig --name ', ' --region '])] } });
  });

  test('runs Kubeflow Pipelines on the cpu NodePool once it exists', () => {
    const install = Object.entries(template.findResources('Custom::AWSCDK-EKS-KubernetesResource')).find(([id]) => id.startsWith('PipelinesInstall'));
    expect(install?.[1].DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^CpuNodePool/)]));
  });
});
