// The parameters of a diagonal Gaussian HMM, and what inference needs from a model.

export interface HmmParams {
  /** Number of hidden states. */
  readonly k: number;
  /** Number of observed features. */
  readonly d: number;
  /** Initial state distribution, length k. */
  readonly pi: Float64Array;
  /** Transition matrix, k x k row-major: a[i * k + j] = P(next = j | now = i). */
  readonly a: Float64Array;
  /** Emission means, k x d row-major. */
  readonly means: Float64Array;
  /** Emission variances (diagonal), k x d row-major. */
  readonly vars: Float64Array;
  /** Names of the d features, in order (for saved models and feature columns). */
  readonly featureNames: readonly string[];
}

/** A model the forward-backward pass can run on: its parameters and its emission log-densities. */
export interface EmissionModel extends HmmParams {
  /** Writes log N(obs | state) for every state into `out`; false when the observation holds a NaN. */
  logEmission(obs: ArrayLike<number>, offset: number, out: Float64Array): boolean;
}
