import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';

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
