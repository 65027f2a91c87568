// Worker-thread entry of the walk-forward fits when running from TypeScript sources (tsx, vitest): worker
// threads do not inherit the main thread's TypeScript loader, so this plain module registers tsx before
// importing the TypeScript worker. The built package (dist/) loads the compiled fit-worker.js directly.
import { register } from 'tsx/esm/api';

register();
const mod = await import('./fit-worker.ts');

export default mod.default;
