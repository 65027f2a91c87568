// The server's services for a process that must prove something on the store before anything runs: `sextant mcp`
// checks its session's token before the bots of the store start (a wrong token must not start, then stop, every
// bot). The store must exist already (a typo in --state-dir creates nothing); otherwise as openServerServices.
import { join } from 'node:path';
import { openStore } from '../store/open.ts';
import { TokenService } from './access/tokens.ts';
import { servicesOn, type ServerServices, type ServerServicesOptions } from './server-services.ts';

export async function openCheckedServerServices(opts: ServerServicesOptions, check: (tokens: TokenService) => Promise<void>): Promise<ServerServices> {
  const store = await openStore({ url: opts.url, dir: join(opts.stateDir, 'db'), schema: opts.schema, env: opts.env, mustExist: true, existingField: '--state-dir' });
  try {
    await check(new TokenService(store.access));
    return await servicesOn(store, opts);
  } catch (e) {
    await store.close();
    throw e;
  }
}
