import { App, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as fs from 'fs';
import * as path from 'path';

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
