import { CfnResource, Stack, TagManager } from 'aws-cdk-lib';
import { CfnAutoScalingGroup, CfnLaunchConfiguration } from 'aws-cdk-lib/aws-autoscaling';
import { CfnEC2Fleet, CfnLaunchTemplate } from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';
import { isAcceleratedInstanceType } from '../gpu/accelerated-instance-types';

/**
 * Helpers the rules share to read a resource's properties and follow its references to the
 * other resources of its stack. Rules read the typed L1 properties (as cdk-nag's own rules do),
 * resolved with `Stack.of(node).resolve`; property overrides added with `addPropertyOverride`
 * are not seen.
 */

/** A class of L1 resource, for `instanceof` lookups. */
export type CfnResourceClass<T extends CfnResource> = abstract new (...args: never[]) => T;

/** `value` resolved in the node's stack: tokens become CloudFormation intrinsics. */
export function resolved<T>(node: CfnResource, value: unknown): T {
  return Stack.of(node).resolve(value) as T;
}

/** The resource's logical id in its template. */
export function logicalIdOf(resource: CfnResource): string {
  return Stack.of(resource).resolve(resource.logicalId) as string;
}

/** The L1 resources of `type` in the node's own stack (not in nested stacks). */
export function resourcesInStackOf<T extends CfnResource>(node: CfnResource, type: CfnResourceClass<T>): T[] {
  const stack = Stack.of(node);
  return stack.node
    .findAll()
    .filter((c): c is T => c instanceof type)
    .filter((r) => Stack.of(r) === stack);
}

/** Logical ids named by a `Ref` or `Fn::GetAtt` anywhere inside a resolved value. */
export function referencedLogicalIds(value: unknown): Set<string> {
  const ids = new Set<string>();
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) {
      v.forEach(visit);
    } else if (v !== null && typeof v === 'object') {
      for (const [key, inner] of Object.entries(v)) {
        if (key === 'Ref' && typeof inner === 'string') ids.add(inner);
        else if (key === 'Fn::GetAtt' && Array.isArray(inner) && typeof inner[0] === 'string') ids.add(inner[0]);
        else visit(inner);
      }
    }
  };
  visit(value);
  return ids;
}

/** Whether a value of `node` (e.g. one of its properties) references `target`. */
export function references(node: CfnResource, value: unknown, target: CfnResource): boolean {
  return referencedLogicalIds(resolved(node, value)).has(logicalIdOf(target));
}

/** The first resource of `type` in the node's stack that a value of `node` references. */
export function referencedResource<T extends CfnResource>(node: CfnResource, value: unknown, type: CfnResourceClass<T>): T | undefined {
  const ids = referencedLogicalIds(resolved(node, value));
  return resourcesInStackOf(node, type).find((r) => ids.has(logicalIdOf(r)));
}

function literalStrings(values: unknown[]): string[] {
  return values.filter((v): v is string => typeof v === 'string');
}

function launchTemplateInstanceType(node: CfnResource, spec: unknown): string[] {
  const template = referencedResource(node, spec, CfnLaunchTemplate);
  const data = template && resolved<CfnLaunchTemplate.LaunchTemplateDataProperty | undefined>(template, template.launchTemplateData);
  return literalStrings([data?.instanceType]);
}

/**
 * The instance types an Auto Scaling group launches: the mixed instances policy's overrides,
 * else the instance type of its launch template or launch configuration in the same stack.
 */
export function instanceTypesOfGroup(group: CfnAutoScalingGroup): string[] {
  const policy = resolved<CfnAutoScalingGroup.MixedInstancesPolicyProperty | undefined>(group, group.mixedInstancesPolicy);
  const template = policy?.launchTemplate as CfnAutoScalingGroup.LaunchTemplateProperty | undefined;
  const overrides = (template?.overrides ?? []) as CfnAutoScalingGroup.LaunchTemplateOverridesProperty[];
  const overrideTypes = literalStrings(overrides.map((o) => o.instanceType));
  if (overrideTypes.length > 0) return overrideTypes;
  const fromTemplate = launchTemplateInstanceType(group, template?.launchTemplateSpecification ?? group.launchTemplate);
  if (fromTemplate.length > 0) return fromTemplate;
  const configuration = referencedResource(group, group.launchConfigurationName, CfnLaunchConfiguration);
  return literalStrings([configuration && resolved(configuration, configuration.instanceType)]);
}

/** The instance types an EC2 Fleet launches: its overrides, else its launch templates' types. */
export function instanceTypesOfFleet(fleet: CfnEC2Fleet): string[] {
  const configs = resolved<CfnEC2Fleet.FleetLaunchTemplateConfigRequestProperty[]>(fleet, fleet.launchTemplateConfigs) ?? [];
  return configs.flatMap((config) => {
    const overrides = (config.overrides ?? []) as CfnEC2Fleet.FleetLaunchTemplateOverridesRequestProperty[];
    const overrideTypes = literalStrings(overrides.map((o) => o.instanceType));
    return overrideTypes.length > 0 ? overrideTypes : launchTemplateInstanceType(fleet, config.launchTemplateSpecification);
  });
}

/** An accelerated (GPU, Inferentia, Trainium, Gaudi) Auto Scaling group or EC2 Fleet. */
export type GpuFleetResource = CfnAutoScalingGroup | CfnEC2Fleet;

/** The accelerated Auto Scaling group or EC2 Fleet `node` is, if it is one (see `isAcceleratedInstanceType`). */
export function gpuFleetOf(node: CfnResource): GpuFleetResource | undefined {
  if (node instanceof CfnAutoScalingGroup && instanceTypesOfGroup(node).some(isAcceleratedInstanceType)) return node;
  if (node instanceof CfnEC2Fleet && instanceTypesOfFleet(node).some(isAcceleratedInstanceType)) return node;
  return undefined;
}

interface TagSpecification {
  readonly resourceType?: string;
  readonly tags?: unknown;
}

/** Tags as rendered: a list of `{Key, Value}` (or `{key, value}`), or a key/value map. */
function tagMap(rendered: unknown): Record<string, unknown> {
  if (Array.isArray(rendered)) {
    return Object.fromEntries(
      rendered.map((t: { Key?: unknown; Value?: unknown; key?: unknown; value?: unknown }) => [t.Key ?? t.key, t.Value ?? t.value]),
    );
  }
  return rendered !== null && typeof rendered === 'object' ? (rendered as Record<string, unknown>) : {};
}

function specifiedTags(node: CfnResource, specifications: unknown, resourceType: string): Record<string, unknown> {
  const specs = resolved<TagSpecification[] | undefined>(node, specifications) ?? [];
  return tagMap(specs.find((s) => s.resourceType === resourceType)?.tags);
}

/**
 * The tags synthesized into the resource, or undefined when it takes none. Tags that
 * `Tags.of` applied live in the resource's tag manager; an EC2 Fleet and a launch template
 * carry theirs in `TagSpecifications` (`fleet`, `launch-template`).
 */
export function synthesizedTagsOf(node: CfnResource): Record<string, unknown> | undefined {
  if (TagManager.isTaggableV2(node)) return tagMap(resolved(node, node.cdkTagManager.renderTags()));
  if (TagManager.isTaggable(node)) return tagMap(resolved(node, node.tags.renderTags()));
  if (node instanceof CfnEC2Fleet) return specifiedTags(node, node.tagSpecifications, 'fleet');
  if (node instanceof CfnLaunchTemplate) return specifiedTags(node, node.tagSpecifications, 'launch-template');
  return undefined;
}

/** Whether `node` is `scope` or below it; every node is within an undefined scope. */
export function isWithin(node: IConstruct, scope: IConstruct | undefined): boolean {
  return scope === undefined || node.node.scopes.includes(scope);
}
