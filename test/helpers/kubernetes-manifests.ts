import Ajv from 'ajv';
import { Template } from 'aws-cdk-lib/assertions';
import { KubernetesManifest } from 'aws-cdk-lib/aws-eks-v2';
import { CustomResourceDefinition } from 'kubernetes-models/apiextensions.k8s.io/v1/CustomResourceDefinition';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import { PriorityClass } from 'kubernetes-models/scheduling.k8s.io/v1/PriorityClass';
import { StorageClass } from 'kubernetes-models/storage.k8s.io/v1/StorageClass';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import * as fs from 'fs';
import * as path from 'path';

/** A Kubernetes object read back from a synthesized template. */
export interface AppliedObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Record<string, string> };
  readonly [field: string]: unknown;
}

interface Model {
  validate(): void;
}

/** The typed model (with its JSON schema validator) of every kind the app applies, by `apiVersion/kind`. */
const MODELS: Record<string, new (data: never) => Model> = Object.fromEntries(
  [CustomResourceDefinition, Deployment, NetworkPolicy, ClusterRole, ClusterRoleBinding, Role, RoleBinding, PriorityClass,
    StorageClass, ConfigMap, Namespace, PersistentVolumeClaim, Secret, Service, ServiceAccount]
    .map((model) => [`${model.apiVersion}/${model.kind}`, model as unknown as new (data: never) => Model]),
);

/** The NodePool CRD's schema (see schemas/SOURCE.md), compiled once. */
const validateNodePool = new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile(
  JSON.parse(fs.readFileSync(path.join(__dirname, 'schemas', 'karpenter.sh-v1-nodepool.json'), 'utf8')) as object,
);

/** Placeholder for a CloudFormation reference inside a manifest (a bucket name, a region). */
export const TOKEN_PLACEHOLDER = 'cfn-token';

/** A manifest property as rendered: a JSON string, or an `Fn::Join` of strings and references. */
function manifestText(rendered: unknown): string {
  if (typeof rendered === 'string') return rendered;
  const [separator, parts] = (rendered as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  return parts.map((p) => (typeof p === 'string' ? p : TOKEN_PLACEHOLDER)).join(separator);
}

/** Every object that the template's Kubernetes manifest resources apply, keyed by the resource's logical id. */
export function appliedObjects(template: Template): Record<string, AppliedObject[]> {
  const resources = template.findResources(KubernetesManifest.RESOURCE_TYPE);
  return Object.fromEntries(
    Object.entries(resources).map(([id, r]) => [id, JSON.parse(manifestText(r.Properties.Manifest)) as AppliedObject[]]),
  );
}

/** Validates `object` against the JSON schema of its kind; throws on a schema error or an unknown kind. */
export function validateAgainstSchema(object: AppliedObject): void {
  if (object.apiVersion === 'karpenter.sh/v1' && object.kind === 'NodePool') {
    const { name } = object.metadata;
    if (!validateNodePool(object)) throw new Error(`NodePool ${name}: ${JSON.stringify(validateNodePool.errors)}`);
    return;
  }
  const model = MODELS[`${object.apiVersion}/${object.kind}`];
  if (model === undefined) throw new Error(`no schema for ${object.apiVersion} ${object.kind} (${object.metadata.name}): add its model`);
  new model(object as never).validate();
}
