/**
 * One account and region as CloudFormation sees custom names, written from its documentation:
 * - creating a stack gives it an id ending in a new UUID (the AWS::StackId pseudo parameter,
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/pseudo-parameter-reference.html);
 * - a resource with a custom name needs that name to be free in the account ("Resource names
 *   must be unique across all your active stacks"); without one, CloudFormation generates a
 *   unique name (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-name.html);
 * - deleting a stack deletes its resources, except those whose DeletionPolicy is Retain (or
 *   RetainExceptOnCreate), which stay in the account, names included
 *   (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html).
 */

/** The property holding a resource type's custom name; `undefined`: the type has none (CloudFormation names it). */
const NAME_PROPERTIES: Readonly<Record<string, string | undefined>> = {
  'AWS::Backup::BackupVault': 'BackupVaultName',
  'AWS::EFS::FileSystem': undefined,
  'AWS::EKS::Cluster': 'Name',
  'AWS::KMS::Key': undefined,
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::S3::Bucket': 'BucketName',
  'AWS::SQS::Queue': 'QueueName',
};

interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DeletionPolicy?: string;
}

/** A synthesized template, as far as the fake reads it. */
export interface StackTemplate {
  readonly Resources: Record<string, TemplateResource>;
}

const RETAINED = ['Retain', 'RetainExceptOnCreate'];

/** Whether deleting the stack leaves the resource in the account. */
export function isRetained(resource: TemplateResource): boolean {
  return RETAINED.includes(resource.DeletionPolicy ?? 'Delete');
}

/** The values CloudFormation substitutes for the template's pseudo parameters and references in one stack. */
export interface StackContext {
  readonly stackId: string;
  readonly stackName: string;
}

/** The AWS::StackId example of the pseudo parameters page, for tests that resolve a name in one stack. */
export const EXAMPLE_STACK: StackContext = {
  stackName: 'teststack',
  stackId: 'arn:aws:cloudformation:us-west-2:123456789012:stack/teststack/51af3dc0-da77-11e4-872e-1234567db123',
};

const ACCOUNT = '123456789012';
/** The Region the fake resolves AWS::Region to. */
export const REGION = 'eu-central-1';

/** The value of an intrinsic function as CloudFormation resolves it in the stack; references resolve to the logical id. */
export function resolve(value: unknown, stack: StackContext): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((v) => resolve(v, stack));
  const [fn, args] = Object.entries(value)[0] ?? [];
  const pseudo: Record<string, string> = {
    'AWS::StackId': stack.stackId, 'AWS::StackName': stack.stackName, 'AWS::AccountId': ACCOUNT, 'AWS::Region': REGION, 'AWS::Partition': 'aws', 'AWS::URLSuffix': 'amazonaws.com',
  };
  switch (fn) {
    case 'Ref': return pseudo[args as string] ?? args;
    case 'Fn::GetAtt': return (args as string[]).join('.');
    case 'Fn::Join': {
      const [separator, parts] = args as [string, unknown[]];
      return (resolve(parts, stack) as unknown[]).join(separator);
    }
    case 'Fn::Split': {
      const [separator, text] = args as [string, unknown];
      return String(resolve(text, stack)).split(separator);
    }
    case 'Fn::Select': {
      const [index, list] = args as [number | string, unknown];
      return (resolve(list, stack) as unknown[])[Number(index)];
    }
    default: throw new Error(`the fake does not resolve ${fn}`);
  }
}

/**
 * The custom name a resource asks for, resolved in its stack, or undefined when CloudFormation
 * generates one. A retained resource's type must be known: it is what outlives the stack.
 */
export function customNameOf(resource: TemplateResource, stack: StackContext): string | undefined {
  if (!(resource.Type in NAME_PROPERTIES)) {
    if (isRetained(resource)) throw new Error(`the fake does not know how ${resource.Type} is named: add it to NAME_PROPERTIES from its CloudFormation page`);
    return undefined;
  }
  const property = NAME_PROPERTIES[resource.Type];
  const name = property === undefined ? undefined : resource.Properties?.[property];
  return name === undefined ? undefined : String(resolve(name, stack));
}

/** A fake account and region: create and delete stacks, keeping what CloudFormation keeps. */
export class FakeCloudFormation {
  /** `<type> <name>` of every custom-named resource in the account, deployed or left behind. */
  private readonly held = new Set<string>();
  private readonly stacks = new Map<string, { template: StackTemplate; names: Map<string, string> }>();
  private creations = 0;

  /** Creates the stack; throws, as CloudFormation rolls back, when one of its custom names is taken. */
  createStack(stackName: string, template: StackTemplate): StackContext {
    this.creations += 1;
    const uuid = `51af3dc0-da77-11e4-872e-${String(this.creations).padStart(12, '0')}`;
    const context: StackContext = { stackName, stackId: `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/${stackName}/${uuid}` };
    const names = new Map<string, string>();
    for (const [logicalId, resource] of Object.entries(template.Resources)) {
      const name = customNameOf(resource, context);
      if (name === undefined) continue;
      const key = `${resource.Type} ${name}`;
      if (this.held.has(key) || [...names.values()].includes(key)) {
        throw new Error(`${stackName} ROLLBACK_COMPLETE: ${logicalId} (${resource.Type}) ${name} already exists`);
      }
      names.set(logicalId, key);
    }
    names.forEach((key) => this.held.add(key));
    this.stacks.set(stackName, { template, names });
    return context;
  }

  /** Deletes the stack; its retained resources stay in the account under their names. */
  deleteStack(stackName: string): void {
    const stack = this.stacks.get(stackName);
    if (!stack) throw new Error(`stack ${stackName} does not exist`);
    for (const [logicalId, key] of stack.names) {
      if (!isRetained(stack.template.Resources[logicalId])) this.held.delete(key);
    }
    this.stacks.delete(stackName);
  }
}
