// `node --import <sextant>/dist/register.js file.ts` (or `--import sextant/register` where sextant is
// installed): lets Node run a user's TypeScript file that imports 'sextant' from anywhere on disk, e.g.
// the test that `sextant new strategy` writes. It registers tsx and the hooks that map 'sextant' to
// this package (src/app/strategy-loader.ts).
import { registerStrategyHooks } from './app/strategy-loader.ts';

await registerStrategyHooks(true);
