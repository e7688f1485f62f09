import { CfnOutput, Duration, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { GitOpsConfig, validateGitOpsConfig } from '../config/gitops';
import { acknowledgeWildcards, resourceFinding } from '../constructs/training/nag-findings';
import { applyCostTags } from '../cost-tags';
import { GITHUB_ROLES_STACK_ID, STACK_IDS, stackNameOf } from './stack-names';

/** Props of {@link DeployRoleStack}. */
export interface DeployRoleStackProps extends StackProps {
  /** The pipeline's repository, branch, environments and bootstrap qualifier. */
  readonly config: GitOpsConfig;
}

/** GitHub's OIDC issuer, and the audience configure-aws-credentials requests. */
export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';
export const GITHUB_OIDC_AUDIENCE = 'sts.amazonaws.com';

/** The CDK bootstrap roles a role may assume, by their name infix. */
type BootstrapRole = 'deploy-role' | 'file-publishing-role' | 'lookup-role';

/**
 * The roles GitHub Actions assume through OIDC, deployed once per account. Each trusts exact
 * `sub` claims of this repository; GitHub builds the claim from the job's GitHub environment
 * when it has one, else `pull_request` for pull-request events, else the ref
 * (https://docs.github.com/en/actions/reference/security/oidc#example-subject-claims):
 * - the diff role (`repo:<repo>:pull_request`) reads only the app's deployed stacks and templates;
 * - the drift role (`repo:<repo>:ref:refs/heads/<deployBranch>`, the scheduled drift check) can
 *   only assume the CDK bootstrap lookup role;
 * - the deploy role (`repo:<repo>:environment:<name>` of each deploy environment, nothing else)
 *   can only assume the CDK bootstrap roles, which do the deploying. A workflow on the deploy
 *   branch without a GitHub environment gets a `ref:` claim, which it does not trust: every
 *   deploy passes its environment's protection rules (prod's required reviewers).
 */
export class DeployRoleStack extends Stack {
  /** Role of `cdk diff` on pull requests. */
  public readonly diffRole: iam.Role;
  /** Role of the scheduled drift check on the deploy branch. */
  public readonly driftRole: iam.Role;
  /** Role of `cdk deploy`, in the deploy environments' GitHub environments. */
  public readonly deployRole: iam.Role;
  /** The GitHub OIDC provider, created or imported. */
  public readonly oidcProvider: iam.IOidcProvider;

  private readonly config: GitOpsConfig;

  constructor(scope: Construct, id: string, props: DeployRoleStackProps) {
    super(scope, id, props);
    validateGitOpsConfig(props.config);
    this.config = props.config;
    const { repository, deployBranch, environments } = props.config;

    this.oidcProvider = props.config.existingOidcProviderArn
      ? iam.OidcProviderNative.fromOidcProviderArn(this, 'GitHubOidcProvider', props.config.existingOidcProviderArn)
      : new iam.OidcProviderNative(this, 'GitHubOidcProvider', {
        url: `https://${GITHUB_OIDC_HOST}`,
        clientIds: [GITHUB_OIDC_AUDIENCE],
      });

    this.diffRole = this.gitHubRole('DiffRole', 'cdk diff on pull requests: reads the app\'s deployed stacks and templates', [
      `repo:${repository}:pull_request`,
    ]);
    this.driftRole = this.gitHubRole('DriftRole', 'the scheduled drift check on the deploy branch, as the CDK bootstrap lookup role', [
      `repo:${repository}:ref:refs/heads/${deployBranch}`,
    ]);
    this.deployRole = this.gitHubRole('DeployRole', 'cdk deploy in the deploy environments, through the CDK bootstrap roles', [
      ...environments.map((e) => `repo:${repository}:environment:${e.gitHubEnvironment}`),
    ]);

    this.grantDiff();
    this.grantBootstrapRoles('DriftRolePolicy', this.driftRole, ['lookup-role']);
    this.grantBootstrapRoles('DeployRolePolicy', this.deployRole, ['deploy-role', 'file-publishing-role', 'lookup-role']);

    applyCostTags(this, { environment: 'shared', team: props.config.tags.team, cost_center: props.config.tags.costCenter, project: props.config.tags.project });

    new CfnOutput(this, 'DiffRoleArn', { value: this.diffRole.roleArn, description: 'Repository variable AWS_DIFF_ROLE_ARN' });
    new CfnOutput(this, 'DriftRoleArn', { value: this.driftRole.roleArn, description: 'Repository variable AWS_DRIFT_ROLE_ARN' });
    new CfnOutput(this, 'DeployRoleArn', { value: this.deployRole.roleArn, description: 'Repository variable AWS_DEPLOY_ROLE_ARN' });
  }

  /** A role only this repository's workflows can assume, with exactly these `sub` claims. */
  private gitHubRole(id: string, description: string, subjects: string[]): iam.Role {
    return new iam.Role(this, id, {
      description,
      maxSessionDuration: Duration.hours(1),
      assumedBy: new iam.OpenIdConnectPrincipal(this.oidcProvider, {
        StringEquals: {
          [`${GITHUB_OIDC_HOST}:aud`]: GITHUB_OIDC_AUDIENCE,
          [`${GITHUB_OIDC_HOST}:sub`]: subjects,
        },
      }),
    });
  }

  /**
   * `cdk diff --method=template` compares with the deployed template
   * (https://docs.aws.amazon.com/cdk/v2/guide/ref-cli-cmd-diff.html): it reads it as the
   * bootstrap lookup role where it can assume that, and otherwise, with a warning, with the
   * caller's own credentials (the CLI's `accessStackForLookup`). The lookup role holds AWS's
   * ReadOnlyAccess with only kms:Decrypt denied (the bootstrap template, `cdk bootstrap
   * --show-template`; https://docs.aws.amazon.com/cdk/v2/guide/bootstrapping-env.html), which
   * reads data: log events, objects, items. The diff role may not assume it and reads only
   * what the diff needs: DescribeStacks and GetTemplate of the app's own stacks.
   */
  private grantDiff(): void {
    const stacks = [
      ...this.config.environments.flatMap((e) => Object.values(STACK_IDS).map((stackId) => stackNameOf(e.name, stackId))),
      GITHUB_ROLES_STACK_ID,
    ].map((stackName) => this.formatArn({ service: 'cloudformation', region: '*', resource: 'stack', resourceName: `${stackName}/*` }));
    const policy = new iam.Policy(this, 'DiffRolePolicy', {
      roles: [this.diffRole],
      statements: [
        new iam.PolicyStatement({
          sid: 'ReadTheAppsStacks',
          actions: ['cloudformation:DescribeStacks', 'cloudformation:GetTemplate'],
          resources: stacks,
        }),
      ],
    });
    acknowledgeWildcards(
      policy,
      stacks.map((arn) => resourceFinding(policy, arn)),
      'The wildcards are the region (environments may live in any region) and the stack id CloudFormation appends to the stack name; each names one stack of the app.',
    );
  }

  /** Lets `role` assume these bootstrap roles and nothing else. */
  private grantBootstrapRoles(id: string, role: iam.Role, bootstrapRoles: BootstrapRole[]): void {
    const policy = new iam.Policy(this, id, {
      roles: [role],
      statements: [
        new iam.PolicyStatement({
          sid: 'AssumeCdkBootstrapRoles',
          actions: ['sts:AssumeRole'],
          resources: bootstrapRoles.map((bootstrapRole) => this.bootstrapRoleArn(bootstrapRole)),
        }),
      ],
    });
    bootstrapRoles.forEach((bootstrapRole) => this.acknowledgeBootstrapWildcard(policy, bootstrapRole));
  }

  /** `cdk-<qualifier>-<role>-<account>-<region>` in this account, any region. */
  private bootstrapRoleArn(role: BootstrapRole): string {
    return this.formatArn({
      service: 'iam',
      region: '',
      resource: 'role',
      resourceName: `cdk-${this.config.bootstrapQualifier}-${role}-${this.account}-*`,
    });
  }

  private acknowledgeBootstrapWildcard(policy: iam.Policy, role: BootstrapRole): void {
    const finding = `arn:<AWS::Partition>:iam::<AWS::AccountId>:role/cdk-${this.config.bootstrapQualifier}-${role}-<AWS::AccountId>-*`;
    Validations.of(policy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${finding}]`,
      reason: `The wildcard is the region: cdk bootstrap names the ${role} cdk-<qualifier>-${role}-<account>-<region>, one per bootstrapped region of this account`,
    });
  }
}
