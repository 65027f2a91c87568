// Worker-thread entry of the parallel sweep when running from TypeScript sources (tsx, vitest):
// worker threads do not inherit the main thread's TypeScript loader, so this plain module registers
// tsx before importing the TypeScript worker. The built package (dist/) skips it and loads the
// compiled sweep-worker.js directly (see parallel-sweep.ts).
import { register } from 'tsx/esm/api';

register();
const mod = await import('./sweep-worker.ts');

export default mod.default;
