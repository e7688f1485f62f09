import { App, Duration, RemovalPolicy, Stack, Tags, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as fs from 'fs';
import * as path from 'path';
import { MlPlatformStack, MlPlatformStackProps } from '../../../lib/stacks/ml-platform-stack';

/** cdk.json's feature flags, so fixtures synthesize as `cdk synth` does. */
export function appWithFeatureFlags(): App {
  const { context } = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../cdk.json'), 'utf8')) as { context: Record<string, unknown> };
  return new App({ context });
}

/** A stack holding a VPC like the environment's shared network: two AZs, private subnets with egress. */
export function networkStack(app: App, id = 'Network'): { stack: Stack; vpc: ec2.Vpc } {
  const stack = new Stack(app, id);
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1, restrictDefaultSecurityGroup: false });
  Validations.of(vpc).acknowledge({ id: 'AwsSolutions-VPC7', reason: 'Fixture: stands in for the shared network, which has its own flow logs and tests.' });
  return { stack, vpc };
}

/** Props a dev-like environment gives the ML platform. */
export function devLikeProps(vpc: ec2.IVpc, overrides: Partial<MlPlatformStackProps> = {}): MlPlatformStackProps {
  return {
    vpc,
    kubernetesVersion: eks.KubernetesVersion.V1_35,
    gpuNodePool: {
      instanceTypes: ['g5.xlarge', 'g6.xlarge'],
      limits: { cpu: 16, memoryGiB: 64, gpus: 4 },
      consolidateAfter: Duration.minutes(5),
    },
    cpuNodePool: {
      instanceTypes: ['m6i.large', 'm6i.xlarge', 'm7i.large', 'm7i.xlarge'],
      limits: { cpu: 16, memoryGiB: 64 },
    },
    mlflow: { size: 'Small', weeklyMaintenanceWindowStart: 'Sun:03:00' },
    removalPolicy: RemovalPolicy.DESTROY,
    logRetention: logs.RetentionDays.ONE_WEEK,
    ...overrides,
  };
}

/** The four cost allocation tags, as the stage applies them. */
export function tagLikeTheStage(app: App): void {
  for (const [key, value] of Object.entries({ environment: 'dev', team: 'ml-platform', cost_center: 'cc-1234', project: 'ai-infra' })) {
    Tags.of(app).add(key, value);
  }
}

/** The ML platform stack of a dev-like environment in its own app, with a training-like role that logs runs. */
export function mlPlatformApp(overrides: Partial<MlPlatformStackProps> = {}): { app: App; stack: MlPlatformStack; trainingRole: iam.Role } {
  const app = appWithFeatureFlags();
  const { stack: network, vpc } = networkStack(app);
  const trainingRole = new iam.Role(network, 'TrainingRole', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
  const stack = new MlPlatformStack(app, 'MlPlatform', devLikeProps(vpc, { mlflowRunLoggers: [trainingRole], ...overrides }));
  return { app, stack, trainingRole };
}

/** A stack with an imported cluster and kubectl provider: enough to apply manifests, fast to synthesize. */
export function importedClusterStack(): { app: App; stack: Stack; cluster: eks.ICluster } {
  const app = new App();
  const stack = new Stack(app, 'Test');
  const kubectlProvider = eks.KubectlProvider.fromKubectlProviderAttributes(stack, 'Kubectl', {
    serviceToken: 'arn:aws:lambda:eu-central-1:123456789012:function:kubectl',
  });
  const cluster = eks.Cluster.fromClusterAttributes(stack, 'Cluster', { clusterName: 'ml', kubectlProvider });
  return { app, stack, cluster };
}
