import { EnvironmentConfig } from '../../lib/config';
import { adminPrincipalChecks } from './admin-check';
import { EnvironmentAssembly } from './assembly';
import { bootstrapCheck } from './bootstrap-check';
import { PreflightClients } from './clients';
import { computeGroups } from './compute-needs';
import { DeployedResources } from './deployed-resources';
import { ec2QuotaChecks } from './ec2-quota-check';
import { elasticIpCheck } from './elastic-ip-check';
import { fixedNames } from './fixed-names';
import { amiParameters, ecrImages } from './image-needs';
import { lambdaCheck } from './lambda-check';
import { leftoverChecks } from './leftover-check';
import { amiParameterChecks, imageChecks } from './region-checks';
import { PreflightResult, fail, pass, runCheck } from './result';
import { endpointInstanceNeeds } from './sagemaker-needs';
import { sageMakerQuotaChecks } from './sagemaker-quota-check';
import { QuotaLookup } from './service-quotas';
import { EnvironmentStack } from './template';
import { DeployTarget } from './template-values';

/** What the preflight checks the account against. */
export interface PreflightInput {
  /** The environment's config. */
  readonly config: EnvironmentConfig;
  /** Its stacks as the next deploy creates them. */
  readonly assembly: EnvironmentAssembly;
  /** Its stacks once the model is published, when it is not yet: for the SageMaker quotas worth asking for now. */
  readonly published?: readonly EnvironmentStack[];
  /** The account and region the credentials and the region point at. */
  readonly target: DeployTarget;
}

/**
 * Every check of the account and region before a deploy of the environment, in order: account,
 * bootstrap, quotas (EC2 vCPUs, SageMaker endpoint instances, Lambda concurrency, Elastic IPs),
 * leftovers, the AMI parameter and the serving image in the region, the ML platform's admins.
 * Only reads: Get*, List*, Describe* and BatchGetImage.
 */
export async function runPreflight(clients: PreflightClients, input: PreflightInput): Promise<PreflightResult[]> {
  const { config, assembly, target } = input;
  const stacks = assembly.stacks;
  const quotas = new QuotaLookup(clients.serviceQuotas, target.region);
  const deployed = new DeployedResources(clients.cloudFormation);
  const publishedLater = !config.modelPublished && input.published !== undefined;
  const checks: Array<[string, () => Promise<PreflightResult[]>]> = [
    ['account', async () => [accountCheck(config, target)]],
    ['CDK bootstrap', () => bootstrapCheck(clients.ssm, assembly.bootstrap, target.account, target.region)],
    ['EC2 quotas', () => ec2QuotaChecks(clients.ec2, quotas, computeGroups(stacks, config.guardrails.maxGpuInstancesPerFleet), target.region)],
    ['SageMaker quotas', () => sageMakerQuotaChecks(quotas, endpointInstanceNeeds(publishedLater ? input.published ?? [] : stacks, target), publishedLater, target.region)],
    ['quota Lambda concurrent executions', () => lambdaCheck(clients.lambda, quotas, deployed, stacks)],
    ['quota EC2-VPC Elastic IPs', () => elasticIpCheck(clients.ec2, quotas, deployed, stacks)],
    ['leftovers', () => leftoverChecks(clients, deployed, fixedNames(stacks, target))],
    ['AMI parameters', () => amiParameterChecks(clients.ssm, amiParameters(stacks), target.region)],
    ['images', () => imageChecks(clients.ecrFor, ecrImages(publishedLater ? [...stacks, ...(input.published ?? [])] : stacks, target))],
    ['ML platform admin principals', () => adminPrincipalChecks(clients.iam, { name: config.name, ...config.mlPlatform, adminPrincipalArns: config.mlPlatform.cluster.adminPrincipalArns ?? [] }, target.account)],
  ];
  const results: PreflightResult[] = [];
  for (const [check, body] of checks) results.push(...(await runCheck(check, body)));
  return results;
}

/** The credentials' account is the one the config names, if it names one. */
function accountCheck(config: EnvironmentConfig, target: DeployTarget): PreflightResult {
  if (config.account === undefined || config.account === target.account) {
    return pass('account', `${target.account} in ${target.region}`);
  }
  return fail('account', `the credentials are of ${target.account}, lib/config/${config.name}.ts deploys to ${config.account}`, `use credentials of ${config.account}`);
}
