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

  const schemaFindings = result.findings.filter((f) => f.pluginName === CloudFormationValidatePlugin.PLUGIN_NAME);
  // Control Tower's CT.EKS.PR.2 requires EncryptionConfig.Resources ['secrets'], a property the
  // schema now marks deprecated (W9009): the one schema warning the app accepts, on the platform's clusters.
  const isSecretsEncryptionDeprecation = (f: { ruleName: string; constructPath?: string }) =>
    f.ruleName === 'W9009' && /^(dev|staging|prod)\/MlPlatform\/Cluster\/Cluster\/Resource$/.test(f.constructPath ?? '');

  test('passes CloudFormation schema validation with no finding but the secrets encryption deprecation', () => {
    expect(schemaFindings.filter((f) => !isSecretsEncryptionDeprecation(f))).toEqual([]);
  });

  test('the secrets encryption deprecation is a warning, once per ML platform cluster (staging, prod)', () => {
    expect(schemaFindings.filter(isSecretsEncryptionDeprecation).map((f) => [f.constructPath, f.severity]).sort()).toEqual([
      ['prod/MlPlatform/Cluster/Cluster/Resource', 'warning'],
      ['staging/MlPlatform/Cluster/Cluster/Resource', 'warning'],
    ]);
  });

  test('has no AwsSolutions finding', () => {
    expect(result.findings.filter((f) => f.pluginName === 'AwsSolutions')).toEqual([]);
  });
});
