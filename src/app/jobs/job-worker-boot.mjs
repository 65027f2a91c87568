// Worker-thread entry of a research job when running from TypeScript sources (tsx, vitest): worker threads
// do not inherit the main thread's TypeScript loader, so this plain module registers tsx before importing
// the TypeScript worker. The built package (dist/) loads the compiled job-worker.js directly.
import { register } from 'tsx/esm/api';

register();
await import('./job-worker.ts');
