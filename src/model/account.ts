// Account types and the figures a risk check needs.

/** cash: no borrowing, no shorting; margin: borrow up to `leverage` x equity and short. */
export type AccountType = 'cash' | 'margin';

export interface AccountState {
  readonly type: AccountType;
  readonly currency: string;
  readonly cash: number;
  /** cash + marked value of positions. */
  readonly equity: number;
  /** Margin held against open positions (initial margin = gross exposure / leverage). */
  readonly marginUsed: number;
  /** What new orders may still commit. */
  readonly buyingPower: number;
  /** Maximum gross exposure / equity (1 for cash accounts). */
  readonly leverage: number;
}
