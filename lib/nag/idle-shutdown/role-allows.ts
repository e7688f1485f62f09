import { CfnResource } from 'aws-cdk-lib';
import { CfnManagedPolicy, CfnPolicy, CfnRole } from 'aws-cdk-lib/aws-iam';
import { logicalIdOf, referencedLogicalIds, references, resolved, resourcesInStackOf } from '../resource-lookup';

interface PolicyStatementJson {
  readonly Effect?: string;
  readonly Action?: string | string[];
  readonly Resource?: unknown;
}

interface PolicyDocumentJson {
  readonly Statement?: PolicyStatementJson[];
}

function asList<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * The policy documents of `role` that its stack declares: its inline policies, the
 * `AWS::IAM::Policy` and customer managed policies attached to it. AWS managed policies
 * cannot be read offline and are not returned.
 */
function policyDocumentsOf(role: CfnRole): PolicyDocumentJson[] {
  const inline = (resolved<CfnRole.PolicyProperty[] | undefined>(role, role.policies) ?? []).map((p) => p.policyDocument);
  const attached = resourcesInStackOf(role, CfnPolicy)
    .filter((p) => references(p, p.roles, role))
    .map((p) => p.policyDocument);
  const managedIds = referencedLogicalIds(resolved(role, role.managedPolicyArns));
  const managed = resourcesInStackOf(role, CfnManagedPolicy)
    .filter((p) => references(p, p.roles, role) || managedIds.has(logicalIdOf(p)))
    .map((p) => p.policyDocument);
  return [...inline, ...attached, ...managed].map((document) => resolved<PolicyDocumentJson>(role, document) ?? {});
}

/** Whether an IAM action pattern (`*` and `?` wildcards, case-insensitive) matches `action`. */
function actionPatternMatches(pattern: string, action: string): boolean {
  const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`, 'i').test(action);
}

/** Whether a statement's resource is `*` or an ARN built from a reference to `target`. */
function coversTarget(resource: unknown, targetId: string): boolean {
  return resource === '*' || referencedLogicalIds(resource).has(targetId);
}

/**
 * Whether `role`'s own policies allow one of `actions` on `target`: an `Allow` statement
 * whose `Action` matches the action (wildcards included) and whose `Resource` is `*` or
 * references `target` (e.g. an ARN joined from its `Ref`). Conditions, `NotAction`,
 * `NotResource` and `Deny` statements are not evaluated; wildcard ARNs other than `*` do not
 * count, since which resources they match is only known at deploy time.
 */
export function roleAllows(role: CfnRole, actions: readonly string[], target: CfnResource): boolean {
  const targetId = logicalIdOf(target);
  return policyDocumentsOf(role).some((document) =>
    asList(document.Statement).some((statement) =>
      statement.Effect === 'Allow'
      && asList(statement.Action).some((pattern) => actions.some((action) => actionPatternMatches(pattern, action)))
      && asList(statement.Resource).some((resource) => coversTarget(resource, targetId))));
}
