import { CfnResource, PolicyValidationPluginReport, Stack, Stage } from 'aws-cdk-lib';
import { NagMessageLevel, NagPack, NagPackProps } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { Problem, checkNoDuplicates, checkNonEmptyList, checkWholeNumberAtLeast, throwIfProblems } from '../validation';
import { NagRule } from './nag-rule';
import { isWithin } from './resource-lookup';
import { CheckpointBucketNoncurrentExpiry } from './rules/checkpoint-bucket-noncurrent-expiry';
import { EbsVolumeGp3 } from './rules/ebs-volume-gp3';
import { environmentGpuInstances } from './rules/environment-gpu-instances';
import { gpuFleetMaxSize } from './rules/gpu-fleet-max-size';
import { GpuFleetScalesToZero } from './rules/gpu-fleet-scales-to-zero';
import { instanceTypeAllowed } from './rules/instance-type-allowed';
import { LogGroupRetention } from './rules/log-group-retention';
import { nodePoolGpuLimit } from './rules/node-pool-gpu-limit';
import { nodePoolInstanceTypesAllowed } from './rules/node-pool-instance-types-allowed';
import { NodePoolScalesToZero } from './rules/node-pool-scales-to-zero';
import { SageMakerEndpointScalableTarget } from './rules/sage-maker-endpoint-scalable-target';
import { SpotMaxPriceBelowOnDemand } from './rules/spot-max-price-below-on-demand';
import { TrainingClusterIdleShutdown } from './rules/training-cluster-idle-shutdown';

/** The limits one environment's GPU cost rules enforce: an environment config's `guardrails`. */
export interface GpuCostLimits {
  /** Highest MaxSize (Auto Scaling group) or total target capacity (EC2 Fleet) of one GPU fleet, and GPU nodes of one NodePool. */
  readonly maxGpuInstancesPerFleet: number;
  /**
   * Most GPU instances all the environment's GPU fleets may run together: the sum of every GPU
   * Auto Scaling group's MaxSize, EC2 Fleet's target capacity and GPU NodePool's node limit
   * (every inference service's fleet, the training cluster and spot fleet, the ML platform's pool).
   */
  readonly maxGpuInstancesPerEnvironment: number;
  /** GPU and SageMaker instance types the environment may use. */
  readonly allowedInstanceTypes: readonly string[];
  /** Whether every GPU fleet must be able to reach 0 instances (a night schedule or idle shutdown). */
  readonly requireScaleToZero: boolean;
}

/** The rules of {@link GpuCostLimits}, each problem naming its field. */
export function gpuCostLimitsProblems(limits: GpuCostLimits): Problem[] {
  return [
    checkWholeNumberAtLeast('maxGpuInstancesPerFleet', limits.maxGpuInstancesPerFleet, 1),
    checkWholeNumberAtLeast('maxGpuInstancesPerEnvironment', limits.maxGpuInstancesPerEnvironment, 1),
    checkNonEmptyList('allowedInstanceTypes', limits.allowedInstanceTypes),
    checkNoDuplicates('allowedInstanceTypes', limits.allowedInstanceTypes),
  ];
}

/** Props of {@link GpuCostChecks}. */
export interface GpuCostChecksProps extends NagPackProps, GpuCostLimits {}

interface PackRule {
  readonly rule: NagRule;
  readonly level: NagMessageLevel;
  readonly info: string;
  readonly explanation: string;
}

/**
 * cdk-nag pack `GpuCost`: the GPU cost rules, with one environment's limits, checked on the
 * resources below `scope` only. cdk-nag 3 hands every pack the whole app whatever it was
 * registered on (`scope` only places its optional metadata aspect), so register one pack per
 * Stage, each with that Stage as `scope` and its own limits.
 */
export class GpuCostChecks extends NagPack {
  public readonly name = 'GpuCost';
  /** The ids of the rules this pack applies, e.g. `GpuCost-GpuFleetMaxSize`. */
  public readonly ruleIds: string[];
  private readonly scope?: IConstruct;
  private readonly rules: readonly PackRule[];

  constructor(scope: IConstruct | undefined, props: GpuCostChecksProps) {
    super(scope, props);
    throwIfProblems(...gpuCostLimitsProblems(props));
    this.packName = 'GpuCost';
    this.scope = scope;
    const { maxGpuInstancesPerFleet: cap, maxGpuInstancesPerEnvironment: environmentCap, allowedInstanceTypes: allowed } = props;
    this.rules = [
      {
        rule: gpuFleetMaxSize(cap),
        level: NagMessageLevel.ERROR,
        info: `A GPU Auto Scaling group's MaxSize, or a GPU EC2 Fleet's target capacity, is above this environment's cap of ${cap} instances.`,
        explanation: 'One runaway fleet can exhaust the month\'s budget in hours. Lower the size, or raise guardrails.maxGpuInstancesPerFleet in the environment config.',
      },
      {
        rule: environmentGpuInstances(environmentCap, (node) => this.scope ?? Stage.of(node) ?? Stack.of(node)),
        level: NagMessageLevel.ERROR,
        info: `This environment's GPU fleets together (Auto Scaling MaxSize, EC2 Fleet target capacity, GPU NodePool nodes) can run more than its cap of ${environmentCap} instances; the finding is on every fleet that counts.`,
        explanation: 'Fleets that each stay within the per-fleet cap, e.g. one per inference service, can still add up past what the environment may spend. Lower their sizes, or raise guardrails.maxGpuInstancesPerEnvironment in the environment config.',
      },
      ...(props.requireScaleToZero ? [{
        rule: GpuFleetScalesToZero,
        level: NagMessageLevel.ERROR,
        info: 'A GPU fleet outside prod cannot reach 0 instances: it needs MinSize 0 plus a scheduled scale-down or an idle-shutdown alarm (an EC2 Fleet: target 0 or an idle-shutdown alarm).',
        explanation: 'Idle GPUs outside prod are pure waste: nights, weekends and idle hours should cost nothing.',
      }] : []),
      {
        rule: instanceTypeAllowed(allowed),
        level: NagMessageLevel.ERROR,
        info: `The instance type named in the finding is not in this environment's allow-list (${allowed.join(', ')}).`,
        explanation: 'Each environment may only run the GPU and SageMaker types its config allows. Pick an allowed type, or add it to guardrails.allowedInstanceTypes.',
      },
      {
        rule: nodePoolGpuLimit(cap),
        level: NagMessageLevel.ERROR,
        info: `The GPU NodePool named in the finding has no nvidia.com/gpu limit, or its limit allows more than this environment's cap of ${cap} nodes.`,
        explanation: 'A NodePool without a GPU limit can launch GPU nodes without bound. Set limits.gpus so that limit / GPUs per node stays within guardrails.maxGpuInstancesPerFleet.',
      },
      ...(props.requireScaleToZero ? [{
        rule: NodePoolScalesToZero,
        level: NagMessageLevel.ERROR,
        info: 'The GPU NodePool named in the finding cannot reach 0 nodes: it is static (replicas) or never consolidates empty nodes.',
        explanation: 'Idle GPU nodes outside prod are pure waste. Drop replicas and set disruption.consolidateAfter to a duration.',
      }] : []),
      {
        rule: nodePoolInstanceTypesAllowed(allowed),
        level: NagMessageLevel.ERROR,
        info: `The instance type named in the finding, of a GPU NodePool, is not in this environment's allow-list (${allowed.join(', ')}); "any" means the pool names no instance types.`,
        explanation: 'A GPU NodePool must list its instance types (node.kubernetes.io/instance-type In), each one allowed by guardrails.allowedInstanceTypes.',
      },
      {
        rule: SpotMaxPriceBelowOnDemand,
        level: NagMessageLevel.ERROR,
        info: 'The spot max price is at or above the on-demand price of the instance type named in the finding, or that type has no known on-demand price.',
        explanation: 'A spot max price above on-demand pays more than on-demand for capacity that can be taken away. Lower it, or leave it unset (spot then caps at on-demand).',
      },
      {
        rule: EbsVolumeGp3,
        level: NagMessageLevel.WARN,
        info: 'The EBS volume named in the finding is gp2, io1 or magnetic (an unset type is gp2).',
        explanation: 'gp3 costs about 20 % less than gp2 with a higher baseline, and io2 supersedes io1 at the same price. Set the volume type to gp3.',
      },
      {
        rule: LogGroupRetention,
        level: NagMessageLevel.ERROR,
        info: 'The log group has no retention: its logs are kept, and billed, forever.',
        explanation: 'Set a retention, e.g. logRetention from the environment config.',
      },
      {
        rule: SageMakerEndpointScalableTarget,
        level: NagMessageLevel.ERROR,
        info: 'The SageMaker endpoint variant named in the finding has no Application Auto Scaling scalable target.',
        explanation: 'Without one, the variant runs its initial instance count around the clock. Add autoscaling on invocations per instance.',
      },
      {
        rule: TrainingClusterIdleShutdown,
        level: NagMessageLevel.ERROR,
        info: 'The training cluster has no idle-shutdown alarm: an enabled GPUUtilization alarm that fires below its threshold and invokes a scaling policy of it that removes capacity, or a Lambda function whose environment names it and whose role may lower its capacity.',
        explanation: 'A training cluster left running after its job finishes bills for every idle GPU hour.',
      },
      {
        rule: CheckpointBucketNoncurrentExpiry,
        level: NagMessageLevel.WARN,
        info: 'The checkpoint bucket has no enabled lifecycle rule expiring noncurrent versions.',
        explanation: 'Every checkpoint save keeps the previous version in a versioned bucket, which then grows by one model per save. Expire noncurrent versions after a few days.',
      },
    ];
    this.ruleIds = this.rules.map((r) => `${this.packName}-${r.rule.name}`);
  }

  /**
   * Fails only on error findings. cdk-nag 3.0.2 reports failure on any finding, so a warning
   * alone would fail the synth while no acknowledgement exists anywhere in the app.
   */
  public validateScope(scope: IConstruct): PolicyValidationPluginReport {
    const report = super.validateScope(scope);
    return { ...report, success: report.violations.every((v) => v.severity !== 'error') };
  }

  protected checkResource(node: CfnResource): void {
    if (!isWithin(node, this.scope)) return;
    for (const rule of this.rules) {
      this.applyRule({ ...rule, node });
    }
  }
}
