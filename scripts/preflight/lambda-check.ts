import { GetAccountSettingsCommand, GetFunctionConcurrencyCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { lambdaNeeds } from './account-needs';
import { DeployedResources } from './deployed-resources';
import { PreflightResult, fail, pass } from './result';
import { QuotaLookup } from './service-quotas';
import { EnvironmentStack } from './template';

/**
 * Lambda keeps at least 100 concurrent executions unreserved: a reservation that would leave less
 * is refused (https://docs.aws.amazon.com/lambda/latest/api/API_PutFunctionConcurrency.html,
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html), and new accounts
 * often have a "Concurrent executions" quota of 10, where no function can reserve any.
 */
export const MIN_UNRESERVED = 100;

/**
 * The account's concurrency against the templates' reservations (ReservedConcurrentExecutions):
 * what the functions would newly reserve (their reservation minus what a deployed function already
 * holds, GetFunctionConcurrency) must leave {@link MIN_UNRESERVED} unreserved (GetAccountSettings).
 */
export async function lambdaCheck(lambda: LambdaClient, quotas: QuotaLookup, deployed: DeployedResources, stacks: readonly EnvironmentStack[]): Promise<PreflightResult[]> {
  const check = 'quota Lambda concurrent executions';
  const { functions, reservations } = lambdaNeeds(stacks);
  const { AccountLimit: limit } = await lambda.send(new GetAccountSettingsCommand({}));
  const total = limit?.ConcurrentExecutions ?? 0;
  const unreserved = limit?.UnreservedConcurrentExecutions ?? 0;
  if (reservations.length === 0) {
    return [pass(check, `${functions} function(s), none reserving concurrency, share the ${unreserved} unreserved of ${total}`)];
  }
  let added = 0;
  for (const reservation of reservations) {
    const name = (await deployed.physicalIds(reservation.stackName)).get(reservation.logicalId);
    const current = name ? (await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: name }))).ReservedConcurrentExecutions ?? 0 : 0;
    added += reservation.reserved - current;
  }
  const left = unreserved - added;
  const detail = `${reservations.map((r) => `${r.stackName}/${r.logicalId} reserves ${r.reserved}`).join(', ')}: ${added} more reserved leaves ${left} of ${total} unreserved, and Lambda keeps at least ${MIN_UNRESERVED}`;
  if (added <= 0 || left >= MIN_UNRESERVED) return [pass(check, detail)];
  const quota = await quotas.byName('lambda', ['Concurrent executions']);
  const desired = total + MIN_UNRESERVED - left;
  return [fail(check, detail, quota ? quotas.increaseCommand(quota, desired) : `raise the Lambda "Concurrent executions" quota to ${desired} in the Service Quotas console`)];
}
