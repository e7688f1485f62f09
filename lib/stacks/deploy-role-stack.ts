import { CfnOutput, Duration, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { GitOpsConfig, validateGitOpsConfig } from '../config/gitops';
import { applyCostTags } from '../cost-tags';

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
 * The roles GitHub Actions assume through OIDC, deployed once per account:
 * - the diff role (pull requests, and the scheduled drift check on the deploy branch) is read-only;
 * - the deploy role (the deploy branch and the GitHub environments) can only assume the CDK
 *   bootstrap roles, which do the deploying.
 */
export class DeployRoleStack extends Stack {
  /** Role of `cdk diff` on pull requests and of `cdk drift`. */
  public readonly diffRole: iam.Role;
  /** Role of `cdk deploy` on the deploy branch's environments. */
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

    this.diffRole = this.gitHubRole('DiffRole', 'cdk diff on pull requests and the scheduled cdk drift (read-only)', [
      `repo:${repository}:pull_request`,
      `repo:${repository}:ref:refs/heads/${deployBranch}`,
    ]);
    this.deployRole = this.gitHubRole('DeployRole', 'cdk deploy from the deploy branch, through the CDK bootstrap roles', [
      `repo:${repository}:ref:refs/heads/${deployBranch}`,
      ...environments.map((e) => `repo:${repository}:environment:${e.gitHubEnvironment}`),
    ]);

    this.grantDiff();
    this.grantDeploy();

    applyCostTags(this, { environment: 'shared', team: props.config.tags.team, cost_center: props.config.tags.costCenter, project: props.config.tags.project });

    new CfnOutput(this, 'DiffRoleArn', { value: this.diffRole.roleArn, description: 'Repository variable AWS_DIFF_ROLE_ARN' });
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
   * `cdk diff --method=template` reads deployed templates through the bootstrap lookup role.
   * `cdk drift` does not assume a bootstrap role: it calls CloudFormation with the caller's own
   * credentials, and CloudFormation reads every resource with them too, so the diff role holds
   * AWS's ReadOnlyAccess (what the lookup role has; it includes cloudformation:Detect* and
   * Describe*, every call drift detection makes), minus reading data: a resource it cannot read
   * would report drift UNKNOWN, hiding drift. The deploy workflow's drift gate runs as the lookup
   * role instead: its jobs carry the GitHub environment's `sub`, which this role does not trust.
   */
  private grantDiff(): void {
    const policy = new iam.Policy(this, 'DiffRolePolicy', {
      roles: [this.diffRole],
      statements: [
        new iam.PolicyStatement({
          sid: 'AssumeCdkLookupRole',
          actions: ['sts:AssumeRole'],
          resources: [this.bootstrapRoleArn('lookup-role')],
        }),
        new iam.PolicyStatement({
          sid: 'NoDataReads',
          effect: iam.Effect.DENY,
          actions: ['kms:Decrypt', 's3:GetObject', 's3:GetObjectVersion', 'secretsmanager:GetSecretValue', 'sqs:ReceiveMessage'],
          resources: ['*'],
        }),
      ],
    });
    this.diffRole.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('ReadOnlyAccess'));

    Validations.of(this.diffRole).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/ReadOnlyAccess]',
      reason: 'CloudFormation drift detection reads every resource with the caller\'s credentials and reports drift UNKNOWN for any it cannot read; AWS recommends ReadOnlyAccess for it, the bootstrap lookup role has the same, and DiffRolePolicy denies reading data (kms:Decrypt, objects, secrets, messages)',
    });
    this.acknowledgeBootstrapWildcard(policy, 'lookup-role');
  }

  /**
   * The deploy role acts only through the bootstrap roles, which hold the deploy permissions; it
   * reads (the drift gate before a deploy, the smoke check after it) as the lookup role.
   */
  private grantDeploy(): void {
    const roles: BootstrapRole[] = ['deploy-role', 'file-publishing-role', 'lookup-role'];
    const policy = new iam.Policy(this, 'DeployRolePolicy', {
      roles: [this.deployRole],
      statements: [
        new iam.PolicyStatement({
          sid: 'AssumeCdkBootstrapRoles',
          actions: ['sts:AssumeRole'],
          resources: roles.map((role) => this.bootstrapRoleArn(role)),
        }),
      ],
    });
    roles.forEach((role) => this.acknowledgeBootstrapWildcard(policy, role));
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
