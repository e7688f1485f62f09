import { KubectlV35Layer } from '@aws-cdk/lambda-layer-kubectl-v35';
import { Names, RemovalPolicy, Token, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { IStorageClass } from 'kubernetes-models/storage.k8s.io/v1/StorageClass';
import { retainedName } from '../../retained-name';
import { exemptFromControlTower } from '../../compliance/control-tower-exemption';
import { logRetentionUnderAYear } from '../../compliance/shared-exemptions';
import { Problem, throwIfProblems } from '../../validation';
import { denyGrantsToNonAwsServices } from '../security/deny-grants-to-non-aws-services';
import { acknowledgeEksClusterFindings } from './eks-nag-findings';

/** The Kubernetes version whose kubectl layer (`@aws-cdk/lambda-layer-kubectl-v35`) this library installs. */
export const BUNDLED_KUBECTL_VERSION = eks.KubernetesVersion.V1_35;

/**
 * The cluster's default StorageClass: Auto Mode's EBS driver, encrypted gp3, bound where the
 * pod lands. Auto Mode ships none, and Kubeflow Pipelines' MySQL claims a volume without naming one.
 */
export const DEFAULT_STORAGE_CLASS: IStorageClass = {
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: { name: 'auto-ebs-gp3', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
  provisioner: 'ebs.csi.eks.amazonaws.com',
  volumeBindingMode: 'WaitForFirstConsumer',
  reclaimPolicy: 'Delete',
  parameters: { type: 'gp3', encrypted: 'true' },
};

/** Props of {@link MlPlatformCluster}. */
export interface MlPlatformClusterProps {
  /** The environment's network. */
  readonly vpc: ec2.IVpc;
  /**
   * Subnets of the control plane's ENIs, the nodes and the kubectl Lambda.
   * @default - the VPC's private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /** The Kubernetes version, pinned: an upgrade is a reviewed change of this value. */
  readonly kubernetesVersion: eks.KubernetesVersion;
  /**
   * A Lambda layer with `kubectl` and `helm` of `kubernetesVersion`'s minor version.
   * @default - `KubectlV35Layer` from `@aws-cdk/lambda-layer-kubectl-v35`, which only fits Kubernetes 1.35
   */
  readonly kubectlLayer?: lambda.ILayerVersion;
  /** How long the control plane's logs (API, audit, authenticator, controller manager, scheduler) are kept. */
  readonly logRetention: logs.RetentionDays;
  /**
   * Key that encrypts the cluster's log groups (the control plane's and the kubectl provider's);
   * CloudWatch Logs must be allowed to use it, as `LogsEncryptionKey` does.
   * @default - CloudWatch Logs' own encryption
   */
  readonly logsEncryptionKey?: kms.IKey;
  /**
   * Who may reach the API server. A public endpoint is a deliberate choice: restrict it with `onlyFrom(...)`.
   * @default eks.EndpointAccess.PRIVATE
   */
  readonly endpointAccess?: eks.EndpointAccess;
  /**
   * IAM principals (role ARNs) given cluster-admin through an access entry, e.g. the platform
   * team's SSO role, for `kubectl port-forward` to the Pipelines UI.
   * @default - none: only the kubectl provider administers the cluster
   */
  readonly adminPrincipalArns?: readonly string[];
  /**
   * What happens to the control-plane log group when it leaves the app.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The cluster's settings: plain values an environment config holds, and the kubectl layer that
 * must match the version (a config leaves it out, and so gets the bundled layer).
 */
export type MlPlatformClusterSettings = Pick<MlPlatformClusterProps, 'kubernetesVersion' | 'kubectlLayer' | 'adminPrincipalArns'>;

/** The rules of {@link MlPlatformClusterSettings}, each problem naming its field. */
export function mlPlatformClusterSettingsProblems(settings: MlPlatformClusterSettings): Problem[] {
  return [checkKubectlLayer(settings), checkAdminPrincipals(settings.adminPrincipalArns ?? [])];
}

function checkKubectlLayer(settings: MlPlatformClusterSettings): Problem {
  const { version } = settings.kubernetesVersion;
  if (settings.kubectlLayer !== undefined || version === BUNDLED_KUBECTL_VERSION.version) return undefined;
  return `kubernetesVersion (${version}) has no kubectl layer: the bundled layer is for ${BUNDLED_KUBECTL_VERSION.version}; `
    + `install @aws-cdk/lambda-layer-kubectl-v${version.split('.')[1]} and pass its layer as kubectlLayer, or use ${BUNDLED_KUBECTL_VERSION.version}`;
}

function checkAdminPrincipals(arns: readonly string[]): Problem {
  const wrong = arns.filter((arn) => !Token.isUnresolved(arn) && !/^arn:aws[a-z-]*:iam::\d{12}:(role|user)\//.test(arn));
  return wrong.length === 0
    ? undefined
    : `adminPrincipalArns (${wrong.join(', ')}) must be IAM role or user ARNs, e.g. arn:aws:iam::123456789012:role/PlatformAdmin`;
}

/**
 * The EKS cluster of the ML platform (`aws-eks-v2`, native `AWS::EKS::Cluster`): Auto Mode
 * with only the built-in `system` NodePool (work runs on the platform's own pools, which
 * have limits), a private API endpoint, access entries (API authentication mode, no creator
 * admin), every control-plane log type into a log group with retention, and a kubectl
 * provider inside the VPC to apply manifests, and an encrypted gp3 default StorageClass.
 */
export class MlPlatformCluster extends Construct {
  /** The cluster. */
  public readonly cluster: eks.Cluster;
  /** `/aws/eks/<cluster name>/cluster`, created before the cluster so that it has a retention. */
  public readonly logGroup: logs.ILogGroup;

  constructor(scope: Construct, id: string, props: MlPlatformClusterProps) {
    super(scope, id);
    const adminPrincipalArns = props.adminPrincipalArns ?? [];
    throwIfProblems(...mlPlatformClusterSettingsProblems(props));

    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    // EKS writes the control-plane logs to /aws/eks/<cluster name>/cluster: a retained log group
    // outlives the stack, so its cluster's name ends with the deployment's id (see retainedName).
    const clusterName = retainedName(this, Names.uniqueResourceName(this, { maxLength: 63 }), removalPolicy);
    const logGroup = new logs.LogGroup(this, 'ControlPlaneLogs', {
      logGroupName: `/aws/eks/${clusterName}/cluster`,
      retention: props.logRetention,
      encryptionKey: props.logsEncryptionKey,
      removalPolicy,
    });
    exemptFromControlTower(this, logGroup, logRetentionUnderAYear(props.logRetention));
    this.logGroup = logGroup;
    // Kubernetes Secrets encrypted with a key of the account (envelope encryption, CT.EKS.PR.2).
    const secretsKey = new kms.Key(this, 'SecretsKey', {
      description: `Kubernetes Secrets of ${clusterName}`,
      enableKeyRotation: true,
      removalPolicy,
    });
    denyGrantsToNonAwsServices(secretsKey);

    this.cluster = new eks.Cluster(this, 'Cluster', {
      clusterName,
      version: props.kubernetesVersion,
      vpc: props.vpc,
      vpcSubnets: [props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }],
      endpointAccess: props.endpointAccess ?? eks.EndpointAccess.PRIVATE,
      defaultCapacityType: eks.DefaultCapacityType.AUTOMODE,
      compute: { nodePools: ['system'] },
      bootstrapClusterCreatorAdminPermissions: false,
      clusterLogging: Object.values(eks.ClusterLoggingTypes),
      kubectlProviderOptions: { kubectlLayer: props.kubectlLayer ?? new KubectlV35Layer(this, 'KubectlLayer') },
      outputConfigCommand: false,
      secretsEncryptionKey: secretsKey,
    });
    Validations.of(this.cluster.node.defaultChild as eks.CfnCluster).acknowledge({
      id: 'CloudFormation-Validate::W9009',
      reason: 'Control Tower\'s CT.EKS.PR.2 requires EncryptionConfig.Resources [\'secrets\'], which the schema marks deprecated since EKS encrypts all API data by default; the customer managed key is what the control asks for.',
    });
    if (props.logsEncryptionKey) {
      // aws-eks-v2 creates the kubectl provider's log groups without a key prop.
      for (const child of this.cluster.node.findAll()) {
        if (child instanceof logs.CfnLogGroup) child.kmsKeyId = props.logsEncryptionKey.keyArn;
      }
    }
    this.cluster.node.addDependency(logGroup);
    adminPrincipalArns.forEach((arn, i) => this.cluster.grantClusterAdmin(`Admin${i}`, arn));
    this.cluster.addManifest('DefaultStorageClass', DEFAULT_STORAGE_CLASS);
    acknowledgeEksClusterFindings(this.cluster);
    this.exemptKubectlProvider();
  }

  /**
   * aws-eks-v2 puts the kubectl provider's functions in the VPC with the cluster security group
   * that EKS creates (`Fn::GetAtt` of the cluster's `ClusterSecurityGroupId`). CT.LAMBDA.PR.3's
   * Guard rule accepts only literal ids, or `Ref`/`Fn::GetAtt` of an `AWS::EC2::SecurityGroup`
   * (and `AWS::EC2::Subnet`) in the same template, so it reports these functions although they
   * are in the VPC; subnets of another stack (`Fn::GetStackOutput`) are rejected the same way.
   */
  private exemptKubectlProvider(): void {
    const functions = this.cluster.kubectlProvider?.node.findAll().filter((c): c is lambda.Function => c instanceof lambda.Function) ?? [];
    for (const fn of functions) {
      exemptFromControlTower(this, fn, {
        control: 'CT.LAMBDA.PR.3',
        reason: 'aws-eks-v2 places the kubectl provider\'s functions in the cluster\'s private subnets (they must reach its private endpoint) with the cluster security group EKS creates, which the template references as Fn::GetAtt of the EKS cluster; the control\'s Guard rule accepts only literal ids or references to an AWS::EC2::SecurityGroup and AWS::EC2::Subnet in the same template.',
      });
    }
  }
}
