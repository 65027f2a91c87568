// Worker-thread entry of the parallel sweep: worker threads do not inherit the main thread's
// TypeScript loader, so this plain module registers tsx before importing the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
const mod = await import('./sweep-worker.ts');

export default mod.default;
