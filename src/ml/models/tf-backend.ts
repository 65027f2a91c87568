// The one place that starts tfjs on its wasm backend (tfjs-node does not install here). The neural net and
// the PPO trainer both call `tfReady()` before touching a tensor: the first call starts the backend, every
// later or concurrent call shares that same promise, so the backend is set exactly once.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

export type Tf = typeof tf;

let starting: Promise<Tf> | undefined;

async function start(): Promise<Tf> {
  if (tf.getBackend() !== 'wasm') {
    const ok = await tf.setBackend('wasm');
    if (!ok) throw new Error('tfjs: the wasm backend failed to initialise');
  }
  await tf.ready();
  return tf;
}

/** tfjs with the wasm backend ready. Idempotent and safe to call concurrently; a failed start may be retried. */
export function tfReady(): Promise<Tf> {
  if (!starting) {
    starting = start().catch((e: unknown) => {
      starting = undefined;
      throw e;
    });
  }
  return starting;
}

/** The tfjs version the models record in their metadata. */
export const TFJS_VERSION: string = tf.version_core;
