import { INFERENCE_LOG_GROUP_PREFIX } from '../constructs/inference/inference-observability';
import { InferenceServiceOutput } from '../constructs/inference/inference-service';
import { Problem } from '../validation';

/**
 * How an inference service's name becomes the names of what it deploys: its construct id in the
 * `AiInference` stack (and so its resources' logical ids), its stack outputs and its log group.
 * The stacks build services with these names, and every tool (jobs CLI, smoke check, simulate,
 * cost) finds a service's outputs with them: nothing else spells a service's names.
 *
 * The service named {@link DEFAULT_SERVICE} keeps the names an environment's one service had
 * before services were named (construct id `Service`, outputs `QueueUrl`, ..., log group
 * `/ai/inference/<env>/<model>`): its queues, results bucket and log group stay where they are.
 * Every other service `<name>` is `Service<Name>` (the name in PascalCase), its outputs
 * `Service<Name>QueueUrl`, ..., its log group `/ai/inference/<env>/<name>/<model>`.
 */

/** The service whose names are those of the environment's one service before services were named. */
export const DEFAULT_SERVICE = 'default';

/** Lower-case words of letters and digits joined by single hyphens, starting with a letter. */
const SERVICE_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const MAX_SERVICE_NAME_LENGTH = 32;

/** `summarizer-v2` -> `SummarizerV2`. */
function pascalCase(name: string): string {
  return name.split('-').map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join('');
}

/** The rule of a service name: it becomes a construct id, output keys and a log group segment. */
export function checkServiceName(field: string, name: string): Problem {
  if (SERVICE_NAME.test(name) && name.length <= MAX_SERVICE_NAME_LENGTH) return undefined;
  return `${field} ("${name}") must be 1-${MAX_SERVICE_NAME_LENGTH} lower-case letters and digits, words joined by single hyphens, starting with a letter: it names the service's construct, stack outputs and log group`;
}

/** The construct id of the service in its stack: `Service` for the default service, `Service<Name>` for the others. */
export function serviceConstructId(service: string): string {
  return service === DEFAULT_SERVICE ? 'Service' : `Service${pascalCase(service)}`;
}

/** What the service's stack output keys start with: nothing for the default service, its construct id for the others. */
export function serviceOutputPrefix(service: string): string {
  return service === DEFAULT_SERVICE ? '' : serviceConstructId(service);
}

/** The key of one of the service's stack outputs, e.g. `QueueUrl` or `ServiceSummarizerQueueUrl`. */
export function serviceOutputKey(service: string, output: InferenceServiceOutput): string {
  return `${serviceOutputPrefix(service)}${output}`;
}

/**
 * Prefix of the service's log group (the group is `<prefix>/<model name>`):
 * `/ai/inference/<env>` for the default service, `/ai/inference/<env>/<service>` for the others.
 */
export function serviceLogGroupPrefix(environment: string, service: string): string {
  const environmentPrefix = `${INFERENCE_LOG_GROUP_PREFIX}/${environment}`;
  return service === DEFAULT_SERVICE ? environmentPrefix : `${environmentPrefix}/${service}`;
}
