import { CfnResource, StackTemplate } from './stack-templates';

/** Hours in an average month, as AWS prices them. */
export const HOURS_PER_MONTH = 730;

/** Monthly USD at the three points of the estimate. */
export interface MonthlyUsd {
  /** With no jobs (and every scalable resource at its minimum). */
  readonly minUsd: number;
  /** With the simulated workload and the assumed usage. */
  readonly expectedUsd: number;
  /** With every scalable resource at its maximum all month. */
  readonly maxUsd: number;
}

/** One priced component of one resource, for a month. */
export interface CostLine {
  /** The resource's construct path (`prod/Network/Network/Vpc/publicSubnet1/NATGateway`), see {@link resourceName}. */
  readonly resource: string;
  /** Its CloudFormation type, e.g. `AWS::EC2::NatGateway`. */
  readonly type: string;
  /** What is charged, e.g. `NAT gateway` or `data processed`: with `resource`, the line's key in a diff. */
  readonly component: string;
  /** How the line is sized, e.g. `g5.xlarge, 2-10 instances`, where it says more than `component`. */
  readonly detail?: string;
  /** The monthly quantity of `unit` in the expected case. */
  readonly quantity: number;
  /** The unit `unitPriceUsd` is the price of, e.g. `hours` or `GB-months`. */
  readonly unit: string;
  /** USD per `unit`, from the price table. */
  readonly unitPriceUsd: number;
  readonly monthly: MonthlyUsd;
}

/** One resource of a synthesized stack. */
export interface TemplateResource {
  /** The stack's path in the app, e.g. `prod/Network`. */
  readonly stack: string;
  /** Its logical id in the stack. */
  readonly id: string;
  readonly resource: CfnResource;
}

/** The resources of `stacks`, each with its stack. */
export function resourcesOf(stacks: readonly StackTemplate[]): TemplateResource[] {
  return stacks.flatMap((s) => Object.entries(s.template.Resources ?? {}).map(([id, resource]) => ({ stack: s.hierarchicalId, id, resource })));
}

/** The resource `ref` (a `{ Ref: id }`) points at in the same stack as `from`. */
export function referenced(resources: readonly TemplateResource[], from: TemplateResource, ref: unknown): TemplateResource | undefined {
  const id = (ref as { Ref?: unknown } | undefined)?.Ref;
  return resources.find((r) => r.stack === from.stack && r.id === id);
}

/**
 * The name the estimate shows for a resource: its construct path from the template's
 * `aws:cdk:path` metadata (which the cdk CLI records unless `--no-path-metadata`), without the
 * `Resource` and `Default` ids CDK gives the L1 under an L2 or a custom resource; where the
 * template has no path, `<stack path>/<logical id>`.
 */
export function resourceName(r: TemplateResource): string {
  const path = r.resource.Metadata?.['aws:cdk:path'];
  if (typeof path !== 'string') return `${r.stack}/${r.id}`;
  const segments = path.split('/');
  while (segments.length > 2 && (segments[segments.length - 1] === 'Resource' || segments[segments.length - 1] === 'Default')) segments.pop();
  return segments.join('/');
}

export const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

/** What a line costs: its quantity and unit, at a unit price; `min` and `max` where they differ from the expected case. */
export interface Charge {
  readonly component: string;
  readonly detail?: string;
  readonly quantity: number;
  readonly unit: string;
  readonly unitPriceUsd: number;
  /** Monthly USD with no jobs. @default - the expected cost */
  readonly minUsd?: number;
  /** Monthly USD at the maximum. @default - the expected cost */
  readonly maxUsd?: number;
}

/** The line of `charge` on `r`: expected = quantity x unit price, rounded to cents. */
export function costLine(r: TemplateResource, charge: Charge): CostLine {
  const expected = charge.quantity * charge.unitPriceUsd;
  return {
    resource: resourceName(r),
    type: r.resource.Type,
    component: charge.component,
    ...(charge.detail === undefined ? {} : { detail: charge.detail }),
    quantity: round(charge.quantity),
    unit: charge.unit,
    unitPriceUsd: charge.unitPriceUsd,
    monthly: { minUsd: round(charge.minUsd ?? expected), expectedUsd: round(expected), maxUsd: round(charge.maxUsd ?? expected) },
  };
}

/** The sum of `lines`, rounded to cents. */
export function totalOf(lines: readonly CostLine[]): MonthlyUsd {
  const sum = (key: keyof MonthlyUsd) => round(lines.reduce((n, l) => n + l.monthly[key], 0));
  return { minUsd: sum('minUsd'), expectedUsd: sum('expectedUsd'), maxUsd: sum('maxUsd') };
}

/** A price, or undefined where the table has none (the caller lists it as unpriced). */
export function priceOrUndefined(price: () => number): number | undefined {
  try {
    return price();
  } catch {
    return undefined;
  }
}

/** GiB of the EBS volumes the launch template `ref` (in the stack of `from`) gives each instance. */
export function launchTemplateGiB(resources: readonly TemplateResource[], from: TemplateResource, ref: unknown): number {
  const data = referenced(resources, from, ref)?.resource.Properties?.LaunchTemplateData as Record<string, unknown> | undefined;
  return ((data?.BlockDeviceMappings as Record<string, unknown>[] | undefined) ?? [])
    .reduce((n, m) => n + Number((m.Ebs as Record<string, unknown> | undefined)?.VolumeSize ?? 0), 0);
}
