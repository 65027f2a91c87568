// Action spaces of reinforcement-learning environments: a choice among n actions, or a box of real numbers.

export interface DiscreteSpace {
  readonly kind: 'discrete';
  /** Actions are the integers 0..n-1. */
  readonly n: number;
}

export interface BoxSpace {
  readonly kind: 'box';
  /** Numbers per action. */
  readonly size: number;
  /** Bounds the environment clips each number to. */
  readonly low: number;
  readonly high: number;
}

export type ActionSpace = DiscreteSpace | BoxSpace;

export const discrete = (n: number): DiscreteSpace => ({ kind: 'discrete', n });
export const box = (size: number, low = -1, high = 1): BoxSpace => ({ kind: 'box', size, low, high });

/** Numbers one action takes in a flat action array (1 for a discrete action: its index). */
export function actionSize(space: ActionSpace): number {
  return space.kind === 'discrete' ? 1 : space.size;
}
