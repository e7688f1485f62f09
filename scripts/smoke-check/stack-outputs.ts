import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { InferenceServiceOutput } from '../../lib/constructs/inference/inference-service';
import { serviceOutputKey } from '../../lib/stacks/service-names';

/** The named outputs of a deployed stack; throws naming the stack and any missing output. */
export async function readStackOutputs<K extends string>(
  cloudFormation: CloudFormationClient,
  stackName: string,
  keys: readonly K[],
): Promise<Record<K, string>> {
  const { Stacks: stacks } = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
  const stack = stacks?.[0];
  if (!stack) {
    throw new Error(`stack ${stackName} is not deployed`);
  }
  const values = new Map((stack.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue]));
  const missing = keys.filter((key) => !values.get(key));
  if (missing.length > 0) {
    throw new Error(`stack ${stackName} has no output ${missing.join(', ')}: deploy the current version of the app`);
  }
  return Object.fromEntries(keys.map((key) => [key, values.get(key)])) as Record<K, string>;
}

/** One inference service's outputs of a deployed stack, by output name; the stack's keys come from `serviceOutputKey`. */
export async function readServiceOutputs<K extends InferenceServiceOutput>(
  cloudFormation: CloudFormationClient,
  stackName: string,
  service: string,
  outputs: readonly K[],
): Promise<Record<K, string>> {
  const values = await readStackOutputs(cloudFormation, stackName, outputs.map((output) => serviceOutputKey(service, output)));
  return Object.fromEntries(outputs.map((output) => [output, values[serviceOutputKey(service, output)]])) as Record<K, string>;
}
