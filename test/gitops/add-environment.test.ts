import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ENVIRONMENTS } from '../../lib/config';
import { gitHubDeployEnvironmentsOf, gitops } from '../../lib/config/gitops';
import { DeployRoleStack } from '../../lib/stacks/deploy-role-stack';
import { environmentNamesJson } from '../../scripts/environments';

/** A fourth environment, added to the list between staging and prod. */
const withQa = [...ENVIRONMENTS.slice(0, -1).map((c) => ({ name: c.name as string })), { name: 'qa' }, { name: ENVIRONMENTS[ENVIRONMENTS.length - 1].name as string }];

describe('adding an environment, GitOps side', () => {
  test('the workflows\' list gets it in its place', () => {
    expect(JSON.parse(environmentNamesJson(withQa))).toEqual(withQa.map((e) => e.name));
  });

  test('the deploy role trusts its GitHub environment, in the list\'s order, and no branch', () => {
    const config = { ...gitops, repository: 'my-org/ai-infra', environments: gitHubDeployEnvironmentsOf(withQa) };
    const stack = new DeployRoleStack(new App(), 'AiInfraGitHubRoles', { config });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      Description: 'cdk deploy in the deploy environments, through the CDK bootstrap roles',
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({
          Condition: {
            StringEquals: {
              'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
              'token.actions.githubusercontent.com:sub': withQa.map((e) => `repo:my-org/ai-infra:environment:${e.name}`),
            },
          },
        })],
      },
    });
  });

  test('the shipped config deploys each environment of ENVIRONMENTS as the GitHub environment of its name', () => {
    expect(gitops.environments).toEqual(ENVIRONMENTS.map((c) => ({ name: c.name, gitHubEnvironment: c.name })));
  });
});
