import { Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';
import * as fs from 'fs';
import * as path from 'path';
import { acknowledgeWildcards, resourceFinding } from '../training/nag-findings';

/** The upstream Kubeflow Pipelines release whose standalone manifests are vendored and applied. */
export const KUBEFLOW_PIPELINES_VERSION = '2.17.0';

/** The namespace of the standalone install. */
export const KUBEFLOW_NAMESPACE = 'kubeflow';

/** Prefix of the artifact bucket under which pipelines store their artifacts and logs. */
export const PIPELINES_ARTIFACT_PREFIX = 'pipelines/';

/** A Kubernetes object as the vendored manifests hold it. */
export interface KubernetesObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
  readonly [field: string]: unknown;
}

const MANIFEST_DIR = path.join(__dirname, 'manifests', `kubeflow-pipelines-${KUBEFLOW_PIPELINES_VERSION}`);
const loaded = new Map<string, KubernetesObject[]>();

/** The objects of one vendored manifest file (`cluster-scoped-resources` or `platform-agnostic`), parsed once per process. */
export function vendoredObjects(file: 'cluster-scoped-resources' | 'platform-agnostic'): KubernetesObject[] {
  let objects = loaded.get(file);
  if (objects === undefined) {
    objects = JSON.parse(fs.readFileSync(path.join(MANIFEST_DIR, `${file}.json`), 'utf8')) as KubernetesObject[];
    loaded.set(file, objects);
  }
  return structuredClone(objects);
}

/** Props of {@link KubeflowPipelines}. */
export interface KubeflowPipelinesProps {
  /** The cluster, with a kubectl provider, to install into. */
  readonly cluster: eks.Cluster;
  /** Bucket of the pipelines' artifacts (under `pipelines/`), reached through EKS Pod Identity. */
  readonly artifactBucket: s3.IBucket;
}

/** The service accounts of the install that touch S3, and what each may do under `pipelines/`. */
const S3_SERVICE_ACCOUNTS = {
  /** The API server stores pipeline specs and reads run artifacts. */
  'ml-pipeline': 'readWrite',
  /** The UI previews artifacts. */
  'ml-pipeline-ui': 'read',
  /** Every pipeline pod (driver, launcher, user code) writes artifacts and logs, and may log MLflow runs. */
  'pipeline-runner': 'readWrite',
} as const;

type S3ServiceAccount = keyof typeof S3_SERVICE_ACCOUNTS;

function objectNamed<T>(objects: KubernetesObject[], kind: string, name: string): T {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (found === undefined) throw new Error(`the vendored Kubeflow Pipelines ${KUBEFLOW_PIPELINES_VERSION} manifests have no ${kind} ${name}`);
  return found as unknown as T;
}

/** Removes the env vars named in `drop` from the deployment's first container and appends `add`. */
function patchEnv(deployment: IDeployment, drop: readonly string[], add: IEnvVar[]): void {
  const container = deployment.spec?.template.spec?.containers[0];
  if (container === undefined) throw new Error(`Deployment ${deployment.metadata?.name} has no container`);
  container.env = [...(container.env ?? []).filter((e) => !drop.includes(e.name)), ...add];
}

/**
 * Kubeflow Pipelines, the standalone install of upstream release 2.17.0 (manifests vendored in
 * `manifests/kubeflow-pipelines-2.17.0/`, see its SOURCE.md), with artifacts in S3 instead of
 * the in-cluster object store: the vendored `platform-agnostic` objects without SeaweedFS and
 * its credentials Secret, the API server, UI, Argo and the launcher pointed at the artifact
 * bucket with the AWS SDK's default credentials, and one IAM role per S3-using service account
 * bound by EKS Pod Identity. The metadata database is the upstream in-cluster MySQL on an EBS
 * volume. The UI is a ClusterIP service: reach it with `kubectl port-forward`.
 */
export class KubeflowPipelines extends Construct {
  /** The role of `pipeline-runner`, the service account of every pipeline pod: grant it what pipelines use. */
  public readonly pipelineRunnerRole: iam.Role;
  /** Every object applied, cluster-scoped first, for inspection and schema checks. */
  public readonly objects: readonly KubernetesObject[];

  constructor(scope: Construct, id: string, props: KubeflowPipelinesProps) {
    super(scope, id);
    const { cluster, artifactBucket: bucket } = props;
    const region = Stack.of(this).region;
    const s3Endpoint = `s3.${region}.${Stack.of(this).urlSuffix}`;

    const clusterScoped = vendoredObjects('cluster-scoped-resources');
    const namespaced = vendoredObjects('platform-agnostic');
    this.configureS3(namespaced, bucket.bucketName, region, s3Endpoint);
    this.objects = [...clusterScoped, ...namespaced];

    // One resource per CRD keeps each custom resource request well below Lambda's event size limit.
    const crds = clusterScoped.filter((o) => o.kind === 'CustomResourceDefinition');
    const base = new eks.KubernetesManifest(this, 'ClusterScoped', {
      cluster,
      manifest: clusterScoped.filter((o) => o.kind !== 'CustomResourceDefinition'),
    });
    const crdResources = crds.map((crd) => new eks.KubernetesManifest(this, `Crd-${crd.metadata.name}`, { cluster, manifest: [crd] }));
    const install = new eks.KubernetesManifest(this, 'Install', { cluster, manifest: namespaced });
    install.node.addDependency(base, ...crdResources);

    const roles = Object.fromEntries(
      (Object.keys(S3_SERVICE_ACCOUNTS) as S3ServiceAccount[]).map((sa) => [sa, this.podIdentityRole(cluster, bucket, sa)]),
    ) as Record<S3ServiceAccount, iam.Role>;
    this.pipelineRunnerRole = roles['pipeline-runner'];
  }

  /** Points the API server, the UI, Argo's log archive and the v2 launcher at the bucket, with SDK credentials. */
  private configureS3(objects: KubernetesObject[], bucketName: string, region: string, endpoint: string): void {
    const pipelineRoot = `s3://${bucketName}/${PIPELINES_ARTIFACT_PREFIX}`;
    const install = objectNamed<IConfigMap>(objects, 'ConfigMap', 'pipeline-install-config');
    install.data = { ...install.data, bucketName, defaultPipelineRoot: pipelineRoot };

    const launcher = objectNamed<IConfigMap>(objects, 'ConfigMap', 'kfp-launcher');
    launcher.data = {
      defaultPipelineRoot: pipelineRoot,
      providers: JSON.stringify({ s3: { default: { endpoint, region, forcePathStyle: false, credentials: { fromEnv: true } } } }),
    };

    const argo = objectNamed<IConfigMap>(objects, 'ConfigMap', 'workflow-controller-configmap');
    argo.data = {
      ...argo.data,
      artifactRepository: JSON.stringify({
        archiveLogs: true,
        s3: {
          endpoint, region, bucket: bucketName, useSDKCreds: true, insecure: false,
          keyFormat: `${PIPELINES_ARTIFACT_PREFIX}logs/{{workflow.namespace}}/{{workflow.name}}/{{pod.name}}`,
        },
      }),
    };

    patchEnv(
      objectNamed<IDeployment>(objects, 'Deployment', 'ml-pipeline'),
      ['OBJECTSTORECONFIG_HOST', 'OBJECTSTORECONFIG_PORT', 'OBJECTSTORECONFIG_SECURE', 'OBJECTSTORECONFIG_ACCESSKEY', 'OBJECTSTORECONFIG_SECRETACCESSKEY'],
      [
        { name: 'OBJECTSTORECONFIG_HOST', value: endpoint },
        { name: 'OBJECTSTORECONFIG_SECURE', value: 'true' },
        { name: 'OBJECTSTORECONFIG_REGION', value: region },
        { name: 'OBJECTSTORECONFIG_PIPELINEPATH', value: `${PIPELINES_ARTIFACT_PREFIX}specs` },
      ],
    );
    patchEnv(
      objectNamed<IDeployment>(objects, 'Deployment', 'ml-pipeline-ui'),
      ['MINIO_ACCESS_KEY', 'MINIO_SECRET_KEY'],
      [{ name: 'AWS_REGION', value: region }, { name: 'AWS_S3_ENDPOINT', value: endpoint }],
    );
  }

  /** A role for one service account of the install, bound through EKS Pod Identity, with its S3 access. */
  private podIdentityRole(cluster: eks.Cluster, bucket: s3.IBucket, serviceAccount: S3ServiceAccount): iam.Role {
    const role = new iam.Role(this, `${serviceAccount}-Role`, {
      assumedBy: new iam.SessionTagsPrincipal(new iam.ServicePrincipal('pods.eks.amazonaws.com')),
      description: `Kubeflow Pipelines service account ${KUBEFLOW_NAMESPACE}/${serviceAccount}, through EKS Pod Identity.`,
    });
    const readOnly = S3_SERVICE_ACCOUNTS[serviceAccount] === 'read';
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: readOnly ? ['s3:GetObject'] : ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
      resources: [bucket.arnForObjects(`${PIPELINES_ARTIFACT_PREFIX}*`)],
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }));
    acknowledgeWildcards(role, [resourceFinding(role, bucket.arnForObjects(`${PIPELINES_ARTIFACT_PREFIX}*`))],
      'Kubeflow Pipelines names artifact, log and pipeline spec keys per run at run time, all below the pipelines/ prefix of the platform bucket.');
    // L1: aws-eks-v2's ServiceAccount would create the service account, which the vendored manifests already define.
    new eks.CfnPodIdentityAssociation(this, `${serviceAccount}-PodIdentity`, {
      clusterName: cluster.clusterName,
      namespace: KUBEFLOW_NAMESPACE,
      serviceAccount,
      roleArn: role.roleArn,
    });
    return role;
  }
}
