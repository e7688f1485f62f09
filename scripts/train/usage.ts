import { ENVIRONMENTS } from '../../lib/config';

/** The help of `npm run train` and of each of its commands. */

const envs = ENVIRONMENTS.map((c) => c.name).join('|');

export const COMMANDS = ['start', 'status', 'logs', 'stop', 'publish'] as const;
export type Command = typeof COMMANDS[number];

export const USAGE = `usage: npm run train -- <command> --env <${envs}> [--region <region>] [options]
  start              start a run on the cluster, the spot fleet or SageMaker; prints its name
  status [<run>]     a run's state, node by node (without <run>: the active runs)
  logs <run>         a run's job and launcher logs (--follow to stream them)
  stop <run>         stop a run: the job flushes a checkpoint, the capacity is released
  publish <run>      package a run's model for serving: models/<name>/<version>/model.tar.gz
Every command takes --help. Exit 0: done. 1: an error, or a run that failed. 2: usage.`;

export const COMMAND_USAGE: Record<Command, string> = {
  start: `usage: npm run train -- start --env <${envs}> [options]
  --on cluster|spot|sagemaker  where it runs (default spot): the on-demand placement-group cluster,
                               the spot fleet, or a SageMaker training job
  --nodes <n>                  nodes that train together (default 1)
  --code <dir>                 code to run: packed and uploaded to training-code/<run>/ (default: none, the image holds it)
  --data <datasets/...>        training data in the dataset bucket, at /opt/ml/input/data/training
  --command <cmd>              run with bash -c from /opt/ml/code (default: torchrun over all GPUs of all nodes, train.py)
  --image <uri>                training image (default: the stack's DefaultTrainingImage / DefaultSageMakerTrainingImage)
  --run <name>                 the run's name (default <env>-<yyyymmdd-hhmmss>); an existing run's name resumes it
  --max-runtime <seconds>      stop the job after this long (default 86400)
  --instance-type <ml.type>    SageMaker only (default ml.g5.12xlarge)
  --on-demand                  SageMaker only: no managed spot training`,
  status: `usage: npm run train -- status [<run>] --env <${envs}>
  prints the run's state as JSON: its nodes' reports, its capacity and why capacity is missing;
  without <run>, the active runs of the cluster and the spot fleet. Exit 1 when the run failed.`,
  logs: `usage: npm run train -- logs <run> --env <${envs}> [--follow] [--node <instance id>]
  prints the run's log events (the job's output and the launchers' states, or SageMaker's)`,
  stop: `usage: npm run train -- stop <run> --env <${envs}> [--timeout <seconds>]
  asks the run's nodes to stop the job (SIGTERM, then the grace) and upload its last checkpoint,
  waits for them (default 180 s), then releases the capacity; a SageMaker job is stopped`,
  publish: `usage: npm run train -- publish <run> --env <${envs}> --version <v> [--service <name>] [--model <name>] [--inference-code <dir>]
  repackages the run's model.tar.gz for serving (model files at the root, the handler at
  code/inference.py: --inference-code adds it), uploads it to models/<name>/<version>/model.tar.gz
  in the model bucket (never over an existing version), and prints the config line and the
  deploy command that roll the fleet and the endpoint to it (--service: the environment's only inference service unless named; --model: default that service's model name)`,
};

/** A problem with the command line itself: exit 2 with one line, before any AWS call. */
export { UsageError } from '../cli';
