import { App, CfnResource, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { GitOpsConfig, gitops } from '../../lib/config/gitops';
import { DeployRoleStack } from '../../lib/stacks/deploy-role-stack';
import { GITHUB_ROLES_STACK_ID, STACK_IDS, stackNameOf } from '../../lib/stacks/stack-names';

const config: GitOpsConfig = { ...gitops, repository: 'my-org/ai-infra', deployBranch: 'main' };

/** An app with AWS Solutions checks and the stack; `extend` adds to the stack before synth. */
function synth(props: GitOpsConfig, extend: (stack: DeployRoleStack) => void = () => undefined) {
  const app = new App();
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const stack = new DeployRoleStack(app, 'AiInfraGitHubRoles', { config: props });
  extend(stack);
  let error: unknown;
  try {
    app.synth();
  } catch (e) {
    error = e;
  }
  return { stack, error };
}

/** An ARN as the template renders it (Fn::Join of partition and account), as one string. */
function flat(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(flat);
  if (value && typeof value === 'object') {
    const join = (value as Record<string, unknown>)['Fn::Join'] as [string, unknown[]] | undefined;
    if (join) return join[1].map((part) => (typeof part === 'string' ? part : `<${(part as { Ref: string }).Ref}>`)).join(join[0]);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, flat(v)]));
  }
  return value;
}

const logicalId = (construct: { node: { defaultChild?: unknown } }) => Stack.of(construct as never).getLogicalId(construct.node.defaultChild as CfnResource);

describe('DeployRoleStack', () => {
  const { stack, error } = synth(config);
  const template = Template.fromStack(stack);
  const roles = template.findResources('AWS::IAM::Role');
  const policies = template.findResources('AWS::IAM::Policy');
  const diffRole = roles[logicalId(stack.diffRole)];
  const deployRole = roles[logicalId(stack.deployRole)];
  const driftRole = roles[logicalId(stack.driftRole)];
  const providerId = Object.keys(template.findResources('AWS::IAM::OIDCProvider'))[0];
  const policyOf = (role: string) => Object.values(policies).filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: role }]));

  test('passes AWS Solutions checks with only its listed acknowledgements', () => {
    expect(error).toBeUndefined();
  });

  test('creates the GitHub OIDC provider for the STS audience', () => {
    template.resourceCountIs('AWS::IAM::OIDCProvider', 1);
    template.hasResourceProperties('AWS::IAM::OIDCProvider', {
      Url: 'https://token.actions.githubusercontent.com',
      ClientIdList: ['sts.amazonaws.com'],
    });
  });

  /** The trust policy of a role that trusts exactly these `sub` claims of the repository. */
  const trusting = (subjects: string[]) => ({
    Version: '2012-10-17',
    Statement: [{
      Effect: 'Allow',
      Action: 'sts:AssumeRoleWithWebIdentity',
      Principal: { Federated: { Ref: providerId } },
      Condition: {
        StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com', 'token.actions.githubusercontent.com:sub': subjects },
      },
    }],
  });

  test('the diff role trusts only pull requests of the repository', () => {
    expect(diffRole.Properties.AssumeRolePolicyDocument).toEqual(trusting(['repo:my-org/ai-infra:pull_request']));
  });

  test('the drift role trusts only the deploy branch of the repository (the scheduled drift check)', () => {
    expect(driftRole.Properties.AssumeRolePolicyDocument).toEqual(trusting(['repo:my-org/ai-infra:ref:refs/heads/main']));
  });

  test('the deploy role trusts only the GitHub environments of the deploy environments, never a branch', () => {
    expect(deployRole.Properties.AssumeRolePolicyDocument).toEqual(trusting(
      gitops.environments.map((e) => `repo:my-org/ai-infra:environment:${e.gitHubEnvironment}`),
    ));
  });

  test.each([['diff'], ['drift'], ['deploy']])('the %s role sessions last at most one hour', (which) => {
    expect({ diff: diffRole, drift: driftRole, deploy: deployRole }[which]?.Properties.MaxSessionDuration).toBe(3600);
  });

  test('the deploy role may only assume the CDK bootstrap deploy, file-publishing and lookup roles', () => {
    expect(deployRole.Properties.ManagedPolicyArns).toBeUndefined();
    expect(deployRole.Properties.Policies).toBeUndefined();
    const attached = policyOf(logicalId(stack.deployRole));
    expect(attached).toHaveLength(1);
    expect(flat(attached[0].Properties.PolicyDocument.Statement)).toEqual([{
      Sid: 'AssumeCdkBootstrapRoles',
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Resource: [
        'arn:<AWS::Partition>:iam::<AWS::AccountId>:role/cdk-hnb659fds-deploy-role-<AWS::AccountId>-*',
        'arn:<AWS::Partition>:iam::<AWS::AccountId>:role/cdk-hnb659fds-file-publishing-role-<AWS::AccountId>-*',
        'arn:<AWS::Partition>:iam::<AWS::AccountId>:role/cdk-hnb659fds-lookup-role-<AWS::AccountId>-*',
      ],
    }]);
  });

  test('the drift role may only assume the CDK bootstrap lookup role', () => {
    expect([driftRole.Properties.ManagedPolicyArns, driftRole.Properties.Policies]).toEqual([undefined, undefined]);
    const attached = policyOf(logicalId(stack.driftRole));
    expect(attached).toHaveLength(1);
    expect(flat(attached[0].Properties.PolicyDocument.Statement)).toEqual([{
      Sid: 'AssumeCdkBootstrapRoles',
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Resource: 'arn:<AWS::Partition>:iam::<AWS::AccountId>:role/cdk-hnb659fds-lookup-role-<AWS::AccountId>-*',
    }]);
  });

  test('the diff role holds no managed policy (no ReadOnlyAccess, which reads data) and reads only the app\'s stacks and templates', () => {
    expect([diffRole.Properties.ManagedPolicyArns, diffRole.Properties.Policies]).toEqual([undefined, undefined]);
    const attached = policyOf(logicalId(stack.diffRole));
    expect(attached).toHaveLength(1);
    const stackNames = [...gitops.environments.flatMap((e) => Object.values(STACK_IDS).map((id) => stackNameOf(e.name, id))), GITHUB_ROLES_STACK_ID];
    expect(flat(attached[0].Properties.PolicyDocument.Statement)).toEqual([{
      Sid: 'ReadTheAppsStacks',
      Effect: 'Allow',
      Action: ['cloudformation:DescribeStacks', 'cloudformation:GetTemplate'],
      Resource: stackNames.map((name) => `arn:<AWS::Partition>:cloudformation:*:<AWS::AccountId>:stack/${name}/*`),
    }]);
  });

  test('no policy lets the diff role assume a bootstrap role', () => {
    expect(JSON.stringify(flat(policyOf(logicalId(stack.diffRole))))).not.toMatch(/sts:AssumeRole|cdk-/);
  });

  test.each([['DiffRoleArn', 'diffRole'], ['DriftRoleArn', 'driftRole'], ['DeployRoleArn', 'deployRole']] as const)('outputs %s', (output, role) => {
    template.hasOutput(output, { Value: { 'Fn::GetAtt': [logicalId(stack[role]), 'Arn'] } });
  });

  test('tags the roles with the cost allocation tags', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      Tags: Match.arrayWith([
        { Key: 'cost_center', Value: 'ml-platform-shared' },
        { Key: 'environment', Value: 'shared' },
        { Key: 'project', Value: 'ai-infra' },
        { Key: 'team', Value: 'ml-platform' },
      ]),
    });
  });
});

describe('DeployRoleStack with an existing OIDC provider and another qualifier', () => {
  const existingOidcProviderArn = 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com';
  const { stack, error } = synth({ ...config, existingOidcProviderArn, bootstrapQualifier: 'ml01' });
  const template = Template.fromStack(stack);

  test('imports the provider instead of creating one', () => {
    template.resourceCountIs('AWS::IAM::OIDCProvider', 0);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Federated: existingOidcProviderArn } })] },
    });
  });

  test('assumes the bootstrap roles of that qualifier, still nag-clean', () => {
    expect(error).toBeUndefined();
    expect(JSON.stringify(flat(template.toJSON().Resources))).toContain('role/cdk-ml01-deploy-role-');
  });
});

describe('DeployRoleStack nag acknowledgements', () => {
  test('cover single findings only: another wildcard in an acknowledged policy fails the synth', () => {
    const { error } = synth(config, (stack) => {
      (stack.node.findChild('DeployRolePolicy') as iam.Policy).addStatements(
        new iam.PolicyStatement({ actions: ['s3:*'], resources: ['arn:aws:s3:::models'] }),
      );
    });
    expect(String(error)).toMatch(/AiInfraGitHubRoles\/DeployRolePolicy\/Resource[\s\S]*AwsSolutions-IAM5\[Action::s3:\*\]/);
  });

  test('the stack validates its config', () => {
    expect(() => new DeployRoleStack(new App(), 'Roles', { config: { ...config, repository: 'ai-infra' } })).toThrow(
      /gitops\.repository \("ai-infra"\) must be a GitHub repository as "owner\/name"/,
    );
  });
});
