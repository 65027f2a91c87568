// Worker-thread entry of WorkerVecEnv when running from TypeScript sources (tsx, vitest): worker threads
// do not inherit the main thread's TypeScript loader, so this plain module registers tsx before importing
// the TypeScript worker (and, through it, the env factory's module). The built package (dist/) skips it
// and starts the compiled vec-env-worker.js directly (see worker-vec-env.ts).
import { register } from 'tsx/esm/api';

register();
await import('./vec-env-worker.ts');
