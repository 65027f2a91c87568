// `sextant token create|list|revoke`: API tokens in the store of --state-dir (or DATABASE_URL). A new token is
// printed once (only its sha256 is stored); every change goes to the audit table.
import { withAccess } from '../app/access/open.ts';
import type { TokenInfo } from '../app/access/tokens.ts';
import { num, str, type CommandIO, type ParsedArgs } from './args.ts';
import { cliActor, iso } from './access-io.ts';
import { jsonOnStdout, writeJsonFlag } from './output.ts';
import { renderTable } from './table.ts';

const stateDir = (a: ParsedArgs): { stateDir?: string } => {
  const d = str(a, 'state-dir');
  return d === undefined ? {} : { stateDir: d };
};

function status(t: TokenInfo, nowMs: number): string {
  if (t.revokedMs !== null) return `revoked ${iso(t.revokedMs)}`;
  if (t.expiresMs !== null && t.expiresMs <= nowMs) return 'expired';
  return 'active';
}

export async function runCreate(a: ParsedArgs, io: CommandIO): Promise<number> {
  const user = str(a, 'user');
  const ttlDays = num(a, 'ttl-days');
  const req = {
    name: str(a, 'name')!,
    scope: str(a, 'scope') as 'read' | 'trade' | 'admin',
    ...(user === undefined ? {} : { username: user }),
    ...(ttlDays === undefined ? {} : { ttlDays }),
  };
  const t = await withAccess(stateDir(a), async (s) => {
    const created = await s.tokens.create(req);
    await s.audit.recordMutation({ actor: cliActor(), source: 'cli', action: 'token.create', target: created.id, payload: { name: created.name, scope: created.scope, user: created.username, expiresMs: created.expiresMs } });
    return created;
  });
  writeJsonFlag(a, t, io);
  if (jsonOnStdout(a)) return 0;
  io.out(`created token ${t.id} "${t.name}": scope ${t.scope}${t.username === null ? '' : `, user ${t.username}`}, ${t.expiresMs === null ? 'no expiry' : `expires ${iso(t.expiresMs)}`}`);
  io.out('the token (shown once, store it now; send it as "Authorization: Bearer <token>"):');
  io.out(t.token);
  return 0;
}

export async function runList(a: ParsedArgs, io: CommandIO): Promise<number> {
  const tokens = await withAccess({ ...stateDir(a), mustExist: true }, (s) => s.tokens.list());
  writeJsonFlag(a, tokens, io);
  if (jsonOnStdout(a)) return 0;
  if (tokens.length === 0) {
    io.out('no API tokens (create one with: sextant token create --name <name> --scope read)');
    return 0;
  }
  const now = Date.now();
  io.out(renderTable(
    ['Id', 'Name', 'Scope', 'User', 'Created', 'Expires', 'Last used', 'Status'],
    tokens.map((t) => [t.id, t.name, t.scope, t.username ?? '-', iso(t.createdMs), iso(t.expiresMs), iso(t.lastUsedMs), status(t, now)]),
  ));
  return 0;
}

export async function runRevoke(a: ParsedArgs, io: CommandIO): Promise<number> {
  const id = a.positional[0]!;
  const t = await withAccess({ ...stateDir(a), mustExist: true }, async (s) => {
    const r = await s.tokens.revoke(id);
    await s.audit.recordMutation({ actor: cliActor(), source: 'cli', action: 'token.revoke', target: id });
    return r;
  });
  io.out(`revoked token ${t.id} "${t.name}" at ${iso(t.revokedMs)}`);
  return 0;
}
