import {
  CloudFormationClient,
  DescribeStackDriftDetectionStatusCommand,
  DetectStackDriftCommand,
  StackResourceDrift,
  paginateDescribeStackResourceDrifts,
} from '@aws-sdk/client-cloudformation';
import { OperationalProperty } from './operational-state';

/** How the check waits for CloudFormation's drift detection, injected so tests do not wait. */
export interface DriftWait {
  /** Gives up after this long. */
  readonly timeoutMs: number;
  /** Asks for the detection's status this often. */
  readonly pollIntervalMs: number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
}

/** As `cdk drift` waits: every 2 s, for up to 5 minutes. */
export const DRIFT_WAIT: DriftWait = {
  timeoutMs: 300_000,
  pollIntervalMs: 2000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  now: () => Date.now(),
};

/**
 * Detects the stack's drift and returns its drifted (MODIFIED, DELETED) and UNKNOWN resources,
 * with the calls `cdk drift` makes: DetectStackDrift, DescribeStackDriftDetectionStatus until the
 * detection is DETECTION_COMPLETE, then DescribeStackResourceDrifts
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStackDriftDetectionStatus.html,
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStackResourceDrifts.html).
 * DETECTION_FAILED, or no completion within the wait, throws, as `cdk drift` does: a check that
 * cannot look never passes.
 */
export async function detectStackDrift(cloudFormation: CloudFormationClient, stackName: string, wait: DriftWait = DRIFT_WAIT): Promise<StackResourceDrift[]> {
  const { StackDriftDetectionId: id } = await cloudFormation.send(new DetectStackDriftCommand({ StackName: stackName }));
  const deadline = wait.now() + wait.timeoutMs;
  for (;;) {
    const status = await cloudFormation.send(new DescribeStackDriftDetectionStatusCommand({ StackDriftDetectionId: id }));
    if (status.DetectionStatus === 'DETECTION_COMPLETE') break;
    if (status.DetectionStatus === 'DETECTION_FAILED') {
      throw new Error(`drift detection of ${stackName} failed: ${status.DetectionStatusReason ?? 'no reason given'}`);
    }
    if (wait.now() >= deadline) {
      throw new Error(`drift detection of ${stackName} did not complete within ${wait.timeoutMs / 1000} s`);
    }
    await wait.sleep(wait.pollIntervalMs);
  }
  const drifts: StackResourceDrift[] = [];
  const pages = paginateDescribeStackResourceDrifts({ client: cloudFormation }, {
    StackName: stackName,
    StackResourceDriftStatusFilters: ['MODIFIED', 'DELETED', 'UNKNOWN'],
  });
  for await (const page of pages) drifts.push(...(page.StackResourceDrifts ?? []));
  return drifts;
}

/** A stack's drift, sorted: what stops a deploy, what was ignored as operational state, what could not be checked. */
export interface ClassifiedDrift {
  /** One line per drifted resource or property: drift. */
  readonly drifted: string[];
  /** One line per operational property difference ignored, with why. */
  readonly ignored: string[];
  /** One line per resource CloudFormation could not check (UNKNOWN), with its reason. */
  readonly unknown: string[];
}

/**
 * Sorts the resource drifts of a stack: a property difference is ignored when `operational`
 * lists its exact path for that resource; a resource is drifted when it was deleted or when
 * any other property differs. UNKNOWN resources are reported, not failed, as `cdk drift` does.
 */
export function classifyDrift(drifts: readonly StackResourceDrift[], operational: ReadonlyMap<string, readonly OperationalProperty[]>): ClassifiedDrift {
  const result: ClassifiedDrift = { drifted: [], ignored: [], unknown: [] };
  for (const drift of drifts) {
    const id = drift.LogicalResourceId ?? '?';
    if (drift.StackResourceDriftStatus === 'UNKNOWN') {
      result.unknown.push(`${id}: ${drift.DriftStatusReason ?? 'no reason given'}`);
    } else if (drift.StackResourceDriftStatus === 'DELETED') {
      result.drifted.push(`${id} (${drift.ResourceType}) was deleted`);
    } else if ((drift.PropertyDifferences ?? []).length === 0) {
      result.drifted.push(`${id} (${drift.ResourceType}) was modified`);
    } else {
      for (const difference of drift.PropertyDifferences ?? []) {
        const line = `${id} ${difference.PropertyPath}: expected ${difference.ExpectedValue}, actual ${difference.ActualValue} (${difference.DifferenceType})`;
        const rule = operational.get(id)?.find((p) => p.path === difference.PropertyPath);
        if (rule) result.ignored.push(`${line}: operational state, ${rule.why}`);
        else result.drifted.push(line);
      }
    }
  }
  return result;
}
