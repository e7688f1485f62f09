import { CfnTemplate } from './template';

/** Where a template deploys: what its pseudo parameters resolve to. */
export interface DeployTarget {
  readonly account: string;
  readonly region: string;
  /** `aws`, `aws-cn`, `aws-us-gov`. */
  readonly partition: string;
  /** `amazonaws.com`, `amazonaws.com.cn`. */
  readonly urlSuffix: string;
}

/** Stands for a value only CloudFormation knows (a resource's name or attribute). */
export const UNKNOWN = '\u0000';

/**
 * Evaluates a template value the way CloudFormation would in `target`, as far as it can without
 * deploying: literals, the pseudo parameters (Ref AWS::Region, AWS::AccountId, AWS::Partition,
 * AWS::URLSuffix, AWS::StackName), Fn::Join, Fn::Sub, Fn::FindInMap, Fn::Select over a list or
 * a Fn::Split, and Fn::Base64 (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference.html).
 * A reference to a resource or an import becomes {@link UNKNOWN}, so a name built from one is
 * never mistaken for a fixed name; a Fn::FindInMap key missing from the mapping throws, naming it,
 * as CloudFormation fails the deploy.
 */
export function evaluate(value: unknown, template: CfnTemplate, target: DeployTarget, stackName: string): string {
  const recurse = (v: unknown): string => evaluate(v, template, target, stackName);
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return UNKNOWN;
  const [[fn, args]] = Object.entries(value as Record<string, unknown>).concat([['', undefined]]);
  const list = Array.isArray(args) ? args : [];
  switch (fn) {
    case 'Ref':
      return pseudoParameter(String(args), target, stackName) ?? UNKNOWN;
    case 'Fn::Join':
      return (Array.isArray(list[1]) ? list[1] : []).map(recurse).join(String(list[0] ?? ''));
    case 'Fn::Select':
      return evaluateList(list[1], recurse)[Number(recurse(list[0]))] ?? UNKNOWN;
    case 'Fn::Sub':
      return sub(typeof args === 'string' ? args : String(list[0]), target, stackName);
    case 'Fn::FindInMap':
      return findInMap(template, list.map(recurse));
    case 'Fn::Base64':
      return recurse(args);
    default:
      return UNKNOWN;
  }
}

/** A list value: a literal list, or a Fn::Split of a known string; anything else is one unknown item. */
function evaluateList(value: unknown, recurse: (v: unknown) => string): string[] {
  if (Array.isArray(value)) return value.map(recurse);
  const split = (value as { 'Fn::Split'?: unknown } | undefined)?.['Fn::Split'];
  if (Array.isArray(split)) {
    const source = recurse(split[1]);
    return isKnown(source) ? source.split(String(split[0])) : [UNKNOWN];
  }
  return [UNKNOWN];
}

/** Whether an evaluated value is fully known before the deploy. */
export function isKnown(value: string): boolean {
  return !value.includes(UNKNOWN);
}

function pseudoParameter(name: string, target: DeployTarget, stackName: string): string | undefined {
  return ({
    'AWS::Region': target.region,
    'AWS::AccountId': target.account,
    'AWS::Partition': target.partition,
    'AWS::URLSuffix': target.urlSuffix,
    'AWS::StackName': stackName,
  } as Record<string, string>)[name];
}

function sub(text: string, target: DeployTarget, stackName: string): string {
  return text.replace(/\$\{([^}!]+)\}/g, (_match, name: string) => pseudoParameter(name, target, stackName) ?? UNKNOWN);
}

function findInMap(template: CfnTemplate, [map, first, second]: string[]): string {
  if (![map, first, second].every(isKnown)) return UNKNOWN;
  const value = template.Mappings?.[map]?.[first]?.[second];
  if (value === undefined) {
    throw new Error(`the template's mapping ${map} has no ${first}.${second}: Fn::FindInMap fails the deploy there`);
  }
  return String(value);
}
