import { GetServiceQuotaCommand, ServiceQuotasClient, paginateListAWSDefaultServiceQuotas } from '@aws-sdk/client-service-quotas';
import { isError } from './clients';

/** A quota of the account in the region: its code, its name and the value that applies. */
export interface AppliedQuota {
  readonly serviceCode: string;
  readonly quotaCode: string;
  readonly quotaName: string;
  readonly value: number;
}

/**
 * Looks quotas up by name, as Service Quotas names them: the codes of some vary (SageMaker has one
 * per instance type and use), and names are what AWS documents. The codes come from the service's
 * default quotas (ListAWSDefaultServiceQuotas lists every quota); the value from GetServiceQuota,
 * the applied value, which "for some quotas" is not available (NoSuchResourceException): then the
 * default applies (https://docs.aws.amazon.com/servicequotas/2019-06-24/apireference/API_GetServiceQuota.html).
 */
export class QuotaLookup {
  private readonly defaults = new Map<string, Promise<Map<string, { code: string; value: number }>>>();

  constructor(private readonly client: ServiceQuotasClient, private readonly region: string) {}

  /** The first quota of `serviceCode` with one of `names` (newest name first), or undefined when none exists here. */
  public async byName(serviceCode: string, names: readonly string[]): Promise<AppliedQuota | undefined> {
    const defaults = await this.defaultsOf(serviceCode);
    const quotaName = names.find((name) => defaults.has(name));
    if (quotaName === undefined) return undefined;
    const { code, value: defaultValue } = defaults.get(quotaName) as { code: string; value: number };
    try {
      const { Quota: quota } = await this.client.send(new GetServiceQuotaCommand({ ServiceCode: serviceCode, QuotaCode: code }));
      return { serviceCode, quotaCode: code, quotaName, value: quota?.Value ?? defaultValue };
    } catch (error) {
      if (!isError(error, 'NoSuchResourceException')) throw error;
      return { serviceCode, quotaCode: code, quotaName, value: defaultValue };
    }
  }

  /** The command that asks AWS to raise `quota` to `desired`. */
  public increaseCommand(quota: AppliedQuota, desired: number): string {
    return `aws service-quotas request-service-quota-increase --service-code ${quota.serviceCode} --quota-code ${quota.quotaCode} --desired-value ${desired} --region ${this.region}`;
  }

  private defaultsOf(serviceCode: string): Promise<Map<string, { code: string; value: number }>> {
    let defaults = this.defaults.get(serviceCode);
    if (!defaults) {
      defaults = this.listDefaults(serviceCode);
      this.defaults.set(serviceCode, defaults);
    }
    return defaults;
  }

  private async listDefaults(serviceCode: string): Promise<Map<string, { code: string; value: number }>> {
    const quotas = new Map<string, { code: string; value: number }>();
    for await (const page of paginateListAWSDefaultServiceQuotas({ client: this.client }, { ServiceCode: serviceCode, MaxResults: 100 })) {
      for (const quota of page.Quotas ?? []) {
        if (quota.QuotaName && quota.QuotaCode) quotas.set(quota.QuotaName, { code: quota.QuotaCode, value: quota.Value ?? 0 });
      }
    }
    return quotas;
  }
}
