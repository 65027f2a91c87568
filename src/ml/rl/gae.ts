// Generalized advantage estimation (Schulman et al. 2016) over a rollout stored time-major: index t*n + i
// is env i at step t. dones[t*n+i] = 1 when env i's episode ended with step t (the next value is then
// not bootstrapped; a time-limit cut adds gamma * V(last observation) to the reward beforehand).

export interface Advantages {
  readonly advantages: Float64Array;
  /** advantages + values: the value function's targets. */
  readonly returns: Float64Array;
}

export function computeGae(
  rewards: Float64Array, values: Float64Array, dones: Uint8Array, lastValues: Float64Array,
  steps: number, envs: number, gamma: number, lambda: number,
): Advantages {
  const adv = new Float64Array(steps * envs);
  const ret = new Float64Array(steps * envs);
  for (let i = 0; i < envs; i++) {
    let last = 0;
    for (let t = steps - 1; t >= 0; t--) {
      const k = t * envs + i;
      const notDone = dones[k] === 1 ? 0 : 1;
      const nextValue = t === steps - 1 ? lastValues[i]! : values[k + envs]!;
      const delta = rewards[k]! + gamma * nextValue * notDone - values[k]!;
      last = delta + gamma * lambda * notDone * last;
      adv[k] = last;
      ret[k] = last + values[k]!;
    }
  }
  return { advantages: adv, returns: ret };
}
