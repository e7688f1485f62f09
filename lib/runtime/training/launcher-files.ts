import { shellEnvFile } from '../shell-quote';

/**
 * The files of the training launcher (`train-node.sh`): its config, written by the user data of
 * the capacity it runs on, and the run records `npm run train -- start` writes to S3 and the
 * launcher sources. Kept apart from the construct and the CLI so the launcher's tests write
 * exactly what a deployed node and a started run give it.
 */

/** Where the user data puts the launcher's files on a node. */
export const LAUNCHER_PATHS = {
  launcher: '/opt/ai-infra/train-node.sh',
  discoverPeers: '/opt/ai-infra/discover-peers.sh',
  config: '/etc/ai-infra/train-node.env',
} as const;

/** The checkpoint directory of the training contract, in the container (SageMaker's own: CheckpointConfig's LocalPath default). */
export const CONTAINER_CHECKPOINT_DIR = '/opt/ml/checkpoints';

/** What a node's launcher knows from deploy time. */
export interface LauncherSettings {
  /** TARGET: `cluster` or `spot`, the active run the node runs. */
  readonly target: string;
  /** RUNS_URI: `s3://<artifact bucket>/training-runs/`. */
  readonly runsUri: string;
  /** LOG_GROUP_NAME: the job's and the launcher's log streams go there, `<run>/<instance>/job|launcher`. */
  readonly logGroupName: string;
  /** METRICS_NAMESPACE: namespace of the heartbeat metric. */
  readonly metricsNamespace: string;
  /** HEARTBEAT_METRIC: name of the metric published every minute while a job runs. */
  readonly heartbeatMetricName: string;
  /** CHECKPOINT_SYNC_SECONDS: whole seconds between two uploads of the checkpoint directory. */
  readonly checkpointSyncSeconds: number;
  /** SIGNAL_GRACE_SECONDS: whole seconds a job gets between SIGTERM and SIGKILL to write its last checkpoint. */
  readonly signalGraceSeconds: number;
}

/** The launcher's config file, as the user data writes it. */
export function launcherConfigFile(settings: LauncherSettings): string {
  return shellEnvFile({
    TARGET: settings.target,
    RUNS_URI: settings.runsUri,
    LOG_GROUP_NAME: settings.logGroupName,
    METRICS_NAMESPACE: settings.metricsNamespace,
    HEARTBEAT_METRIC: settings.heartbeatMetricName,
    CHECKPOINT_SYNC_SECONDS: settings.checkpointSyncSeconds,
    SIGNAL_GRACE_SECONDS: settings.signalGraceSeconds,
    DISCOVER_PEERS: LAUNCHER_PATHS.discoverPeers,
  });
}

/** Where a training run runs. */
export type RunTarget = 'cluster' | 'spot' | 'sagemaker';

/** The capacity an EC2 run's nodes belong to: how they find each other. */
export interface RunCapacity {
  /** `autoscaling`: the cluster's group, peers are its InService instances; `fleet`: the spot fleet's active instances. */
  readonly kind: 'autoscaling' | 'fleet';
  /** The group's name or the fleet's id. */
  readonly id: string;
  /** The `AutoScalingGroupName` dimension the heartbeat is published under (the cluster's group name). */
  readonly metricGroupName: string;
}

/** One training run, as `npm run train -- start` records it in `training-runs/<run>/run.json`. */
export interface TrainingRun {
  /** The run's name: its checkpoint, code and output prefixes, and its SageMaker job name. */
  readonly runId: string;
  readonly target: RunTarget;
  /** The training image. */
  readonly image: string;
  /** Run with `bash -c` in the container, from the code directory. */
  readonly command: string;
  /** `s3://.../training-code/<run>/sourcedir.tar.gz`, extracted into /opt/ml/code; absent when the image holds the code. */
  readonly codeUri?: string;
  /** A prefix under `datasets/`, copied into /opt/ml/input/data/training before the job starts. */
  readonly dataUri?: string;
  /** `s3://<checkpoint bucket>/checkpoints/<run>/`, restored into and synced from /opt/ml/checkpoints. */
  readonly checkpointUri: string;
  /** `s3://<artifact bucket>/training-output/<run>/output/model.tar.gz`: /opt/ml/model of the first node, packed. */
  readonly outputUri: string;
  /** Nodes that train together. */
  readonly nodes: number;
  /** Longest the job may run before it is stopped. */
  readonly maxRuntimeSeconds: number;
  /** Times a node starts the job after a failure (a lost peer, a crash) before it gives up. */
  readonly maxAttempts: number;
  /** The capacity of an EC2 run; absent for SageMaker. */
  readonly capacity?: RunCapacity;
  /** SageMaker only: the instance type and whether it uses managed spot training. */
  readonly sageMaker?: { readonly instanceType: string; readonly spot: boolean };
  /** When the run was started (ISO 8601). */
  readonly startedAt: string;
}

/** The run record a node's launcher sources: the EC2 run's fields as `NAME='value'` lines. */
export function runRecordFile(run: TrainingRun & { readonly capacity: RunCapacity }): string {
  return shellEnvFile({
    RUN_ID: run.runId,
    IMAGE: run.image,
    COMMAND: run.command,
    CODE_URI: run.codeUri ?? '',
    DATA_URI: run.dataUri ?? '',
    CHECKPOINT_URI: run.checkpointUri,
    OUTPUT_URI: run.outputUri,
    NODES: run.nodes,
    MAX_RUNTIME_SECONDS: run.maxRuntimeSeconds,
    MAX_ATTEMPTS: run.maxAttempts,
    CAPACITY_KIND: run.capacity.kind,
    CAPACITY_ID: run.capacity.id,
    METRIC_GROUP_NAME: run.capacity.metricGroupName,
  });
}

/** Where one node is with its run. The final states end the node's work on the run. */
export const NODE_STATES = ['starting', 'waiting-for-peers', 'preparing', 'running', 'completed', 'failed', 'interrupted', 'stopped'] as const;
export type NodeState = typeof NODE_STATES[number];
/** States after which a node does nothing more for the run. */
export const FINAL_NODE_STATES: readonly NodeState[] = ['completed', 'failed', 'interrupted', 'stopped'];

/** What a node reports in `training-runs/<run>/nodes/<instance id>.json`. */
export interface NodeReport {
  readonly instanceId: string;
  readonly state: NodeState;
  /** The node's rank once peers are found; -1 before. */
  readonly rank: number;
  /** The attempt (1 first) the report is about. */
  readonly attempt: number;
  /** The job's exit code once it ended; -1 before. */
  readonly exitCode: number;
  /** What happened, in words. */
  readonly message: string;
  /** ISO 8601 time of the report. */
  readonly updatedAt: string;
}

/** The S3 keys of a run in the artifact bucket, under `training-runs/`. */
export const RUN_KEYS = {
  /** The run record, JSON. */
  record: (runId: string) => `training-runs/${runId}/run.json`,
  /** The run record as the launcher sources it. */
  recordEnv: (runId: string) => `training-runs/${runId}/run.env`,
  /** The active run of a target: a copy of its run.env, read by nodes at boot. */
  active: (target: string) => `training-runs/active/${target}.env`,
  /** Written by `npm run train -- stop`: nodes stop the job, flush a checkpoint and report `stopped`. */
  stop: (runId: string) => `training-runs/${runId}/stop`,
  /** Prefix of the nodes' reports. */
  nodes: (runId: string) => `training-runs/${runId}/nodes/`,
} as const;
