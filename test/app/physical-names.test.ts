import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ENVIRONMENTS } from '../../lib/config';
import { gitops } from '../../lib/config/gitops';
import { AiInfraStage } from '../../lib/stacks/ai-infra-stage';
import { DeployRoleStack } from '../../lib/stacks/deploy-role-stack';
import { templatesOf } from '../helpers/synth-stage';

type TemplateJson = { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> };

/** Types whose `<Type>Name` is scoped to another resource, not to the account: an inline policy's name is unique per role. */
const SCOPED_NAMES = ['AWS::IAM::Policy'];

/** The physical name a resource sets itself: `<Type>Name` (LogGroupName, RoleName, TopicName, ...), a budget's BudgetName. */
function physicalNameOf(type: string, properties: Record<string, unknown> = {}): unknown {
  if (SCOPED_NAMES.includes(type)) return undefined;
  if (type === 'AWS::Budgets::Budget') return (properties.Budget as { BudgetName?: unknown } | undefined)?.BudgetName;
  return properties[`${type.split('::')[2]}Name`];
}

/** Names set by more than one resource of a type, as `type name`; names built from the stack's own name or id are unique by construction. */
function sharedPhysicalNames(templates: readonly TemplateJson[]): string[] {
  const seen = new Map<string, number>();
  for (const template of templates) {
    for (const resource of Object.values(template.Resources)) {
      const name = physicalNameOf(resource.Type, resource.Properties);
      if (name === undefined || /AWS::Stack(Name|Id)/.test(JSON.stringify(name))) continue;
      const key = `${resource.Type} ${JSON.stringify(name)}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
  }
  return [...seen].filter(([, count]) => count > 1).map(([key]) => key);
}

describe('every environment in one account and region', () => {
  const app = new App();
  const stages = ENVIRONMENTS.map((config) => new AiInfraStage(app, config.name, { config }));
  const roles = new DeployRoleStack(app, 'AiInfraGitHubRoles', { config: gitops });
  const templates = [
    ...stages.flatMap((stage) => Object.values(templatesOf(stage))),
    Template.fromStack(roles),
  ].map((template) => template.toJSON() as TemplateJson);

  test('synthesizes every stack, the ML platform where it is on, the standby Region\'s where there is one', () => {
    const mlPlatforms = ENVIRONMENTS.filter((config) => config.mlPlatform.enabled).length;
    const standbyStacks = stages.reduce((n, stage) => n + (stage.standby ? (stage.standby.endpoint ? 3 : 2) : 0), 0);
    expect(mlPlatforms).toBeGreaterThan(0);
    expect(templates).toHaveLength(ENVIRONMENTS.length * 4 + mlPlatforms + standbyStacks + 1);
  });

  test('no two resources of one type share a physical name', () => {
    expect(sharedPhysicalNames(templates)).toEqual([]);
  });

  test('the check catches the seed\'s one fixed log group name in two environments', () => {
    const logGroup = { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: '/ai/inference' } };
    expect(sharedPhysicalNames([{ Resources: { A: logGroup } }, { Resources: { B: logGroup } }])).toEqual(['AWS::Logs::LogGroup "/ai/inference"']);
  });
});
