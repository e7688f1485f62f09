import { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { DescribeMlflowTrackingServerCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { Outcome, fail, pass } from './check-result';

/** The MLflow tracking server accepts requests (IsActive), whatever its last lifecycle step. */
export async function checkTrackingServerActive(sageMaker: SageMakerClient, trackingServerName: string): Promise<Outcome> {
  const server = await sageMaker.send(new DescribeMlflowTrackingServerCommand({ TrackingServerName: trackingServerName }));
  if (server.IsActive === 'Active') {
    return pass(`${trackingServerName} is Active (${server.TrackingServerStatus})`);
  }
  return fail(`${trackingServerName} is ${server.IsActive ?? 'not active'} (${server.TrackingServerStatus}), not Active: it is stopped, or still starting`);
}

/** The EKS cluster of Kubeflow Pipelines is ACTIVE. */
export async function checkClusterActive(eks: EKSClient, clusterName: string): Promise<Outcome> {
  const { cluster } = await eks.send(new DescribeClusterCommand({ name: clusterName }));
  if (cluster?.status === 'ACTIVE') {
    return pass(`${clusterName} is ACTIVE, Kubernetes ${cluster.version}`);
  }
  return fail(`${clusterName} is ${cluster?.status ?? 'missing'}, not ACTIVE`);
}
