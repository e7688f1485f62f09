import { EnvironmentStack } from './template';
import { DeployTarget, evaluate, isKnown } from './template-values';

/** A resource whose physical name the template fixes: a second one of that name cannot be created. */
export interface FixedName {
  readonly stackName: string;
  readonly logicalId: string;
  /** e.g. `AWS::Logs::LogGroup`. */
  readonly type: string;
  readonly name: string;
  /** Whether the template keeps it when the stack is deleted (DeletionPolicy Retain or RetainExceptOnCreate). */
  readonly retained: boolean;
}

/** Types whose `<Type>Name` is scoped to another resource, not the account and region: an inline policy's name is unique per role. */
const SCOPED_NAMES = new Set(['AWS::IAM::Policy']);

/**
 * Every resource of the templates that sets its own physical name (its `<Type>Name` property,
 * e.g. LogGroupName, BackupVaultName, BucketName) to a value known before the deploy. A name
 * built from another resource's (generated) name is not fixed.
 */
export function fixedNames(stacks: readonly EnvironmentStack[], target: DeployTarget): FixedName[] {
  return stacks.flatMap((stack) => Object.entries(stack.template.Resources ?? {}).flatMap(([logicalId, resource]) => {
    if (SCOPED_NAMES.has(resource.Type)) return [];
    const property = resource.Properties?.[`${resource.Type.split('::')[2]}Name`];
    if (property === undefined) return [];
    const name = evaluate(property, stack.template, target, stack.stackName);
    if (!isKnown(name)) return [];
    const retained = resource.DeletionPolicy === 'Retain' || resource.DeletionPolicy === 'RetainExceptOnCreate';
    return [{ stackName: stack.stackName, logicalId, type: resource.Type, name, retained }];
  }));
}
