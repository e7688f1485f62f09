import { GetRoleCommand, GetUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { isError } from './clients';
import { PreflightResult, fail, pass, warn } from './result';

/** What the check reads of the environment's config. */
export interface AdminPrincipalsConfig {
  /** The environment's name, for the fix. */
  readonly name: string;
  /** Whether the ML platform (the EKS cluster) deploys. */
  readonly enabled: boolean;
  /** The IAM roles and users given cluster admin access. */
  readonly adminPrincipalArns: readonly string[];
}

/** `arn:<partition>:iam::<account>:role/<path/>name` or `:user/...`. */
const PRINCIPAL = /^arn:[a-z-]+:iam::(\d{12}):(role|user)\/(?:.*\/)?([^/]+)$/;

/**
 * Where the ML platform is on, someone must be able to administer its EKS cluster: without admin
 * principals only the kubectl provider's role has an access entry. Each configured principal must
 * exist: EKS refuses an access entry for a principal that does not ("The specified principalArn is
 * invalid: invalid principal", https://github.com/terraform-aws-modules/terraform-aws-eks/issues/2969)
 * and the stack rolls back. Principals of other accounts cannot be looked up from this one.
 */
export async function adminPrincipalChecks(iam: IAMClient, config: AdminPrincipalsConfig, account: string): Promise<PreflightResult[]> {
  const check = 'ML platform admin principals';
  if (!config.enabled) return [pass(check, 'the ML platform is off in this environment')];
  if (config.adminPrincipalArns.length === 0) {
    return [warn(check, 'none configured: only the kubectl provider\'s role can reach the EKS cluster, no person can', `set mlPlatform.cluster.adminPrincipalArns in lib/config/${config.name}.ts (IAM role or user ARNs)`)];
  }
  const results: PreflightResult[] = [];
  for (const arn of config.adminPrincipalArns) {
    const [, principalAccount, kind, name] = PRINCIPAL.exec(arn) ?? [];
    if (principalAccount !== account) {
      results.push(warn(`${check} ${arn}`, `in account ${principalAccount}, not ${account}: cannot be looked up from here`));
      continue;
    }
    try {
      if (kind === 'role') await iam.send(new GetRoleCommand({ RoleName: name }));
      else await iam.send(new GetUserCommand({ UserName: name }));
      results.push(pass(`${check} ${arn}`, 'exists'));
    } catch (error) {
      if (!isError(error, 'NoSuchEntityException')) throw error;
      results.push(fail(`${check} ${arn}`, `no such ${kind}: EKS refuses its access entry and the ML platform stack rolls back`, `create the ${kind}, or remove it from mlPlatform.cluster.adminPrincipalArns in lib/config/${config.name}.ts`));
    }
  }
  return results;
}
