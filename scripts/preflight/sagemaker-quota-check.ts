import { EndpointInstanceNeed } from './sagemaker-needs';
import { PreflightResult, fail, pass, warn } from './result';
import { QuotaLookup } from './service-quotas';

/**
 * Each "<type> for endpoint usage" SageMaker quota (one per instance type, its code varying:
 * looked up by name, https://docs.aws.amazon.com/general/latest/gr/sagemaker.html) against the
 * instances the endpoint's variants can scale to. `later` says the endpoint only deploys once the
 * model is published: a short quota then warns, since this deploy does not need it yet.
 */
export async function sageMakerQuotaChecks(quotas: QuotaLookup, needs: readonly EndpointInstanceNeed[], later: boolean, region: string): Promise<PreflightResult[]> {
  if (needs.length === 0) return [pass('quota SageMaker endpoint instances', 'the environment deploys no SageMaker endpoint')];
  const when = later ? ' once modelPublished is true' : '';
  const results: PreflightResult[] = [];
  for (const need of needs) {
    const name = `${need.instanceType} for endpoint usage`;
    const check = `quota ${name}`;
    const detail = `needs ${need.instances}${when} (${need.sources.join('; ')})`;
    const quota = await quotas.byName('sagemaker', [name]);
    if (!quota) {
      results.push(fail(check, `${detail}; SageMaker has no such quota in ${region}: it does not offer ${need.instanceType} for endpoints there`, `choose a variant instance type SageMaker offers in ${region}`));
    } else if (quota.value >= need.instances) {
      results.push(pass(check, `${detail}, the account has ${quota.value}`));
    } else {
      const short = later ? warn : fail;
      results.push(short(check, `${detail}, the account has ${quota.value}`, quotas.increaseCommand(quota, need.instances)));
    }
  }
  return results;
}
