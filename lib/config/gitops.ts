import { Problem, checkNonEmptyList, checkNotEmpty } from '../validation';
import { CostTagValues } from './environment-config';
import { ENVIRONMENTS } from './index';

/** One environment the deploy workflow rolls out to, and the GitHub environment that gates it. */
export interface GitHubDeployEnvironment {
  /** The app's environment (its Stage and `-c env=` value). */
  readonly name: string;
  /** The GitHub environment of its deploy job; it appears in the OIDC `sub` claim. */
  readonly gitHubEnvironment: string;
}

/** The GitOps pipeline: which repository may deploy, from which branch, through which roles. */
export interface GitOpsConfig {
  /** GitHub repository `owner/name` whose workflows may assume the roles. */
  readonly repository: string;
  /** Branch whose pushes deploy; the scheduled drift check runs on it too. */
  readonly deployBranch: string;
  /**
   * ARN of the account's existing GitHub OIDC provider. An account holds one provider per URL,
   * so set this when another stack already created it.
   * @default - the stack creates the provider
   */
  readonly existingOidcProviderArn?: string;
  /** Qualifier the account was bootstrapped with (`cdk bootstrap --qualifier`). */
  readonly bootstrapQualifier: string;
  /** Environments in deployment order, each gated by its GitHub environment. */
  readonly environments: readonly GitHubDeployEnvironment[];
  /** Cost allocation tags of the roles; their `environment` tag is `shared`. */
  readonly tags: CostTagValues;
}

/** Each environment, in its order, deployed as the GitHub environment of the same name. */
export function gitHubDeployEnvironmentsOf(environments: ReadonlyArray<{ readonly name: string }>): GitHubDeployEnvironment[] {
  return environments.map(({ name }) => ({ name, gitHubEnvironment: name }));
}

/** The CDK bootstrap's default qualifier. */
export const DEFAULT_BOOTSTRAP_QUALIFIER = 'hnb659fds';

/** The pipeline of this repository. Set `repository` to your fork before deploying the roles. */
export const gitops: GitOpsConfig = {
  repository: 'ml-platform/ai-infra',
  deployBranch: 'main',
  bootstrapQualifier: DEFAULT_BOOTSTRAP_QUALIFIER,
  environments: gitHubDeployEnvironmentsOf(ENVIRONMENTS),
  tags: { team: 'ml-platform', costCenter: 'ml-platform-shared', project: 'ai-infra' },
};

/**
 * Validates the GitOps config and throws one error listing every problem, each naming
 * `gitops.field`, the value and the fix.
 */
export function validateGitOpsConfig(config: GitOpsConfig): void {
  const problems = gitOpsProblems(config).filter((p): p is string => p !== undefined);
  if (problems.length > 0) {
    throw new Error(`Invalid GitOps config:\n- ${problems.join('\n- ')}`);
  }
}

function gitOpsProblems(c: GitOpsConfig): Problem[] {
  const environmentNames = c.environments.map((e) => e.gitHubEnvironment);
  const duplicate = environmentNames.find((name, n) => environmentNames.indexOf(name) !== n);
  return [
    checkRepository(c.repository),
    checkBranch(c.deployBranch),
    c.existingOidcProviderArn === undefined || /^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/token\.actions\.githubusercontent\.com$/.test(c.existingOidcProviderArn)
      ? undefined
      : `gitops.existingOidcProviderArn ("${c.existingOidcProviderArn}") must be the ARN of a GitHub OIDC provider, ` +
        'e.g. "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com", or unset to create one',
    /^[A-Za-z0-9_-]{1,10}$/.test(c.bootstrapQualifier)
      ? undefined
      : `gitops.bootstrapQualifier ("${c.bootstrapQualifier}") must be 1-10 letters, digits, _ or -, as given to cdk bootstrap --qualifier (default "${DEFAULT_BOOTSTRAP_QUALIFIER}")`,
    checkNonEmptyList('gitops.environments', c.environments),
    ...c.environments.map((e, n) =>
      /^[A-Za-z0-9._-]{1,255}$/.test(e.gitHubEnvironment)
        ? undefined
        : `gitops.environments[${n}].gitHubEnvironment ("${e.gitHubEnvironment}") must be 1-255 letters, digits, ., _ or -, e.g. "${e.name}"`,
    ),
    duplicate === undefined ? undefined : `gitops.environments has the GitHub environment "${duplicate}" twice: give each environment its own`,
    checkNotEmpty('gitops.tags.team', c.tags.team),
    checkNotEmpty('gitops.tags.costCenter', c.tags.costCenter),
    checkNotEmpty('gitops.tags.project', c.tags.project),
  ];
}

/** GitHub owners are 1-39 letters, digits or inner hyphens; names are letters, digits, ., _ or -. */
function checkRepository(repository: string): Problem {
  const match = /^([A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?)\/([A-Za-z0-9._-]{1,100})$/.exec(repository);
  if (match && match[2] !== '.' && match[2] !== '..') return undefined;
  return `gitops.repository ("${repository}") must be a GitHub repository as "owner/name", e.g. "my-org/ai-infra", without https://github.com/ or .git`;
}

/** A branch name as git accepts it, and literal: the trust policy matches it exactly. */
function checkBranch(branch: string): Problem {
  if (branch.startsWith('refs/')) {
    return `gitops.deployBranch ("${branch}") must be a branch name, not a ref: drop the "refs/heads/" prefix`;
  }
  const valid = /^[^\s~^:?*[\\]+$/.test(branch) && !/(^[-/.])|\.\.|\/\/|@\{|(\/|\.|\.lock)$/.test(branch);
  return valid
    ? undefined
    : `gitops.deployBranch ("${branch}") must be a git branch name without spaces, wildcards (* ?), ~ ^ : [ \\ or "..", e.g. "main"`;
}
