import { ENVIRONMENTS } from '../../lib/config';
import { GitOpsConfig, gitops, validateGitOpsConfig } from '../../lib/config/gitops';

const invalid: Array<[string, Partial<GitOpsConfig>, RegExp]> = [
  ['a repository without an owner', { repository: 'ai-infra' },
    /gitops\.repository \("ai-infra"\) must be a GitHub repository as "owner\/name", e\.g\. "my-org\/ai-infra", without https:\/\/github\.com\/ or \.git/],
  ['a repository URL', { repository: 'https://github.com/my-org/ai-infra' }, /gitops\.repository \("https:\/\/github\.com\/my-org\/ai-infra"\) must be/],
  ['an owner with a leading hyphen', { repository: '-org/ai-infra' }, /gitops\.repository \("-org\/ai-infra"\) must be/],
  ['a repository named ..', { repository: 'my-org/..' }, /gitops\.repository \("my-org\/\.\."\) must be/],
  ['a branch given as a ref', { deployBranch: 'refs/heads/main' },
    /gitops\.deployBranch \("refs\/heads\/main"\) must be a branch name, not a ref: drop the "refs\/heads\/" prefix/],
  ['a wildcard branch', { deployBranch: 'release/*' },
    /gitops\.deployBranch \("release\/\*"\) must be a git branch name without spaces, wildcards \(\* \?\), ~ \^ : \[ \\ or "\.\.", e\.g\. "main"/],
  ['a branch with a space', { deployBranch: 'my branch' }, /gitops\.deployBranch \("my branch"\) must be a git branch name/],
  ['a branch with ..', { deployBranch: 'a..b' }, /gitops\.deployBranch \("a\.\.b"\) must be a git branch name/],
  ['a branch ending in .lock', { deployBranch: 'main.lock' }, /gitops\.deployBranch \("main\.lock"\) must be a git branch name/],
  ['an empty branch', { deployBranch: '' }, /gitops\.deployBranch \(""\) must be a git branch name/],
  ['an OIDC provider ARN of another issuer', { existingOidcProviderArn: 'arn:aws:iam::123456789012:oidc-provider/gitlab.com' },
    /gitops\.existingOidcProviderArn \("arn:aws:iam::123456789012:oidc-provider\/gitlab\.com"\) must be the ARN of a GitHub OIDC provider, e\.g\. "arn:aws:iam::123456789012:oidc-provider\/token\.actions\.githubusercontent\.com", or unset to create one/],
  ['a qualifier longer than 10 characters', { bootstrapQualifier: 'toolongqualifier' },
    /gitops\.bootstrapQualifier \("toolongqualifier"\) must be 1-10 letters, digits, _ or -, as given to cdk bootstrap --qualifier \(default "hnb659fds"\)/],
  ['no environments', { environments: [] }, /gitops\.environments is empty: list at least one value/],
  ['a GitHub environment with a space', { environments: [{ name: 'prod', gitHubEnvironment: 'prod env' }] },
    /gitops\.environments\[0\]\.gitHubEnvironment \("prod env"\) must be 1-255 letters, digits, \., _ or -, e\.g\. "prod"/],
  ['a GitHub environment twice', { environments: [{ name: 'dev', gitHubEnvironment: 'shared' }, { name: 'prod', gitHubEnvironment: 'shared' }] },
    /gitops\.environments has the GitHub environment "shared" twice: give each environment its own/],
  ['an empty team tag', { tags: { ...gitops.tags, team: '' } }, /gitops\.tags\.team is empty: give it a non-empty value/],
  ['an empty cost center tag', { tags: { ...gitops.tags, costCenter: ' ' } }, /gitops\.tags\.costCenter is empty: give it a non-empty value/],
  ['an empty project tag', { tags: { ...gitops.tags, project: '' } }, /gitops\.tags\.project is empty: give it a non-empty value/],
];

describe('validateGitOpsConfig', () => {
  test('accepts the shipped config', () => {
    expect(() => validateGitOpsConfig(gitops)).not.toThrow();
  });

  test.each([['my-org/ai-infra'], ['Org-1/repo.name_x'], ['a/b']])('accepts the repository %s', (repository) => {
    expect(() => validateGitOpsConfig({ ...gitops, repository })).not.toThrow();
  });

  test.each([['main'], ['release/2025-01'], ['deploy_prod']])('accepts the branch %s', (deployBranch) => {
    expect(() => validateGitOpsConfig({ ...gitops, deployBranch })).not.toThrow();
  });

  test('accepts an existing GitHub OIDC provider ARN', () => {
    const existingOidcProviderArn = 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com';
    expect(() => validateGitOpsConfig({ ...gitops, existingOidcProviderArn })).not.toThrow();
  });

  test.each(invalid)('rejects %s', (_what, change, message) => {
    expect(() => validateGitOpsConfig({ ...gitops, ...change })).toThrow(message);
  });

  test('lists every problem at once', () => {
    expect(() => validateGitOpsConfig({ ...gitops, repository: 'x', deployBranch: '*' })).toThrow(
      /^Invalid GitOps config:\n- gitops\.repository \("x"\)[^\n]*\n- gitops\.deployBranch \("\*"\)/,
    );
  });
});

describe('the shipped config', () => {
  test('derives its environments from ENVIRONMENTS, in order', () => {
    expect(gitops.environments.map((e) => e.name)).toEqual(ENVIRONMENTS.map((c) => c.name));
  });

  test('uses the default bootstrap qualifier', () => {
    expect(gitops.bootstrapQualifier).toBe('hnb659fds');
  });
});
