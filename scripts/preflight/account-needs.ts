import { EnvironmentStack, resourcesOfType } from './template';

/** A Lambda function that reserves concurrency. */
export interface Reservation {
  readonly stackName: string;
  readonly logicalId: string;
  readonly reserved: number;
}

/** The functions of the templates that set ReservedConcurrentExecutions, and how many functions there are. */
export function lambdaNeeds(stacks: readonly EnvironmentStack[]): { readonly functions: number; readonly reservations: Reservation[] } {
  const functions = resourcesOfType(stacks, 'AWS::Lambda::Function');
  return {
    functions: functions.length,
    reservations: functions
      .filter(({ resource }) => resource.Properties?.ReservedConcurrentExecutions !== undefined)
      .map(({ stack, logicalId, resource }) => ({ stackName: stack.stackName, logicalId, reserved: Number(resource.Properties?.ReservedConcurrentExecutions) })),
  };
}

/** The Elastic IPs the templates allocate (one per NAT gateway), by stack. */
export function elasticIpNeeds(stacks: readonly EnvironmentStack[]): { readonly addresses: number; readonly natGateways: number; readonly stackNames: string[] } {
  const addresses = resourcesOfType(stacks, 'AWS::EC2::EIP');
  return {
    addresses: addresses.length,
    natGateways: resourcesOfType(stacks, 'AWS::EC2::NatGateway').length,
    stackNames: [...new Set(addresses.map(({ stack }) => stack.stackName))],
  };
}
