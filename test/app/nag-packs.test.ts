import { CloudFormationValidatePlugin, Validations } from 'aws-cdk-lib';
import { ENVIRONMENTS } from '../../lib/config';
import { errorFindings, synthWithNag } from '../helpers/nag';
import { realApp } from '../helpers/nag-app';

describe('the app, with every stage, the roles stack and every plugin', () => {
  const { app, rolesStack } = realApp();
  // The app turns CDK's schema validation off for speed; here it runs, and must find nothing.
  Validations.of(app).addPlugins(new CloudFormationValidatePlugin());
  const result = synthWithNag(app);

  test('synthesizes every environment and the GitHub roles stack', () => {
    expect(result.assembly?.nestedAssemblies.map((a) => a.id).sort()).toEqual(ENVIRONMENTS.map((c) => `assembly-${c.name}`).sort());
    expect(result.assembly?.getStackArtifact(rolesStack.artifactId).stackName).toBe('AiInfraGitHubRoles');
  });

  test('has no error finding', () => {
    expect(errorFindings(result)).toEqual([]);
  });

  test('passes CloudFormation schema validation without a single finding', () => {
    expect(result.findings.filter((f) => f.pluginName === CloudFormationValidatePlugin.PLUGIN_NAME)).toEqual([]);
  });

  test('has no AwsSolutions finding', () => {
    expect(result.findings.filter((f) => f.pluginName === 'AwsSolutions')).toEqual([]);
  });
});
