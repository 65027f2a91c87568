// `sextant user add|passwd|list|remove`: the users of the API server, in the store of --state-dir (or
// DATABASE_URL). A generated password is printed once; every change goes to the audit table.
import { withAccess } from '../app/access/open.ts';
import { bool, str, type CommandIO, type ParsedArgs } from './args.ts';
import { cliActor, iso, readPasswordStdin } from './access-io.ts';
import { jsonOnStdout, writeJsonFlag } from './output.ts';
import { renderTable } from './table.ts';

const stateDir = (a: ParsedArgs): { stateDir?: string } => {
  const d = str(a, 'state-dir');
  return d === undefined ? {} : { stateDir: d };
};

export async function runAdd(a: ParsedArgs, io: CommandIO): Promise<number> {
  const username = a.positional[0]!;
  const role = (str(a, 'role') ?? 'read') as 'read' | 'trade' | 'admin';
  const password = bool(a, 'password-stdin') ? await readPasswordStdin() : undefined;
  const added = await withAccess(stateDir(a), async (s) => {
    const r = await s.users.add(username, role, password);
    await s.audit.recordMutation({ actor: cliActor(), source: 'cli', action: 'user.add', target: username, payload: { role } });
    return r;
  });
  writeJsonFlag(a, added.generated ? added : { username: added.username, role: added.role, generated: false }, io);
  if (jsonOnStdout(a)) return 0;
  io.out(`added user ${added.username} (role ${added.role})`);
  if (added.generated) io.out(`password (shown once, store it now): ${added.password}`);
  return 0;
}

export async function runPasswd(a: ParsedArgs, io: CommandIO): Promise<number> {
  const username = a.positional[0]!;
  const password = bool(a, 'password-stdin') ? await readPasswordStdin() : undefined;
  const r = await withAccess({ ...stateDir(a), mustExist: true }, async (s) => {
    const x = await s.users.passwd(username, password);
    await s.audit.recordMutation({ actor: cliActor(), source: 'cli', action: 'user.passwd', target: username });
    return x;
  });
  io.out(`changed the password of ${r.username}`);
  if (r.generated) io.out(`password (shown once, store it now): ${r.password}`);
  return 0;
}

export async function runList(a: ParsedArgs, io: CommandIO): Promise<number> {
  const users = await withAccess({ ...stateDir(a), mustExist: true }, (s) => s.users.list());
  writeJsonFlag(a, users, io);
  if (jsonOnStdout(a)) return 0;
  if (users.length === 0) {
    io.out('no users (add one with: sextant user add <username> --role admin)');
    return 0;
  }
  io.out(renderTable(['User', 'Role', 'Created', 'Updated'], users.map((u) => [u.username, u.role, iso(u.createdMs), iso(u.updatedMs)])));
  return 0;
}

export async function runRemove(a: ParsedArgs, io: CommandIO): Promise<number> {
  const username = a.positional[0]!;
  await withAccess({ ...stateDir(a), mustExist: true }, async (s) => {
    await s.users.remove(username);
    await s.audit.recordMutation({ actor: cliActor(), source: 'cli', action: 'user.remove', target: username });
  });
  io.out(`removed user ${username} (and their sessions)`);
  return 0;
}
