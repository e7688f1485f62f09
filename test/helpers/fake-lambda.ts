/**
 * An account's Lambda concurrency as Lambda documents it: functions share the account's
 * concurrency quota, and a function may reserve some of it only while the account keeps at least
 * its minimum unreserved concurrency for the functions without a reservation ("You can reserve up
 * to the Unreserved account concurrency value, minus 100",
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html). New accounts
 * have reduced quotas (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html),
 * down to 10, all of which is then the minimum; Lambda's refusal names it: "Specified
 * ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution
 * below its minimum value of [10]."
 */
export class FakeLambdaAccount {
  private reserved = 0;

  /** @param concurrencyQuota the account's concurrent executions quota (1,000 by default, 10 in many new accounts) */
  constructor(private readonly concurrencyQuota: number) {}

  /** The unreserved concurrency the account must keep: 100, or the whole quota where it is smaller. */
  get minimumUnreserved(): number {
    return Math.min(100, this.concurrencyQuota);
  }

  /** CreateFunction with its ReservedConcurrentExecutions (PutFunctionConcurrency), as CloudFormation calls them. */
  createFunction(reservedConcurrentExecutions?: number): void {
    if (reservedConcurrentExecutions === undefined) return;
    if (this.concurrencyQuota - this.reserved - reservedConcurrentExecutions < this.minimumUnreserved) {
      throw new Error(
        `InvalidParameterValueException: Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [${this.minimumUnreserved}].`,
      );
    }
    this.reserved += reservedConcurrentExecutions;
  }
}
