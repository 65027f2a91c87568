// tfjs for the PPO trainer: the project's one wasm start (src/ml/models/tf-backend.ts), imported on first
// use, so that acting with a trained policy (actor-critic.ts, plain JS) never loads tfjs (~0.7 s).
import type * as Tf from '@tensorflow/tfjs';

export type TfModule = typeof Tf;

export async function loadTf(): Promise<TfModule> {
  const { tfReady } = await import('../models/tf-backend.ts');
  return tfReady();
}
