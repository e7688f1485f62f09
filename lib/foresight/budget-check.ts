import { CostEstimate } from './cost-model';

/** How an environment's expected monthly cost compares with its budget. */
export type BudgetStatus = 'within' | 'over' | 'acknowledged' | 'no budget';

/** The verdict on one environment's estimate. */
export interface BudgetCheck {
  readonly status: BudgetStatus;
  /** The monthly limit of the environment's AWS Budget in the templates. */
  readonly budgetUsd?: number;
  readonly expectedUsd: number;
  /** The reason the config gives for an overrun (`budget.acknowledgeOverrun.reason`). */
  readonly acknowledgedReason?: string;
  /** True where the config acknowledges an overrun the estimate does not show: the acknowledgement can go. */
  readonly acknowledgementUnneeded: boolean;
}

/**
 * The budget check of `npm run cost`: an expected cost above the budget fails it (`over`) unless
 * the environment's config acknowledges the overrun with a reason (`acknowledged`).
 */
export function checkBudget(estimate: CostEstimate, acknowledgedReason?: string): BudgetCheck {
  const { budgetUsd } = estimate;
  const expectedUsd = estimate.total.expectedUsd;
  const over = budgetUsd !== undefined && expectedUsd > budgetUsd;
  const status: BudgetStatus = budgetUsd === undefined ? 'no budget' : !over ? 'within' : acknowledgedReason === undefined ? 'over' : 'acknowledged';
  return {
    status,
    budgetUsd,
    expectedUsd,
    ...(acknowledgedReason === undefined ? {} : { acknowledgedReason }),
    acknowledgementUnneeded: acknowledgedReason !== undefined && !over,
  };
}
