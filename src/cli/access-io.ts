// What `sextant user` and `sextant token` share: the password read from stdin, the OS user recorded as the
// actor of their audit entries, and times as ISO text.
import { userInfo } from 'node:os';
import { InputError } from '../core/errors.ts';

/** The first line of stdin (without its line end): a password piped in, never on the command line. */
export async function readPasswordStdin(stdin: NodeJS.ReadableStream = process.stdin): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of stdin) {
    const b = typeof c === 'string' ? Buffer.from(c) : (c as Buffer);
    chunks.push(b);
    size += b.length;
    if (size > 64 * 1024) break;
  }
  const line = Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
  if (line === '') throw new InputError('--password-stdin read no password: pipe one line into stdin', { field: 'password' });
  return line;
}

/** The audit actor of a CLI command: the OS user running it. */
export function cliActor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return `cli:${process.env.USER ?? process.env.USERNAME ?? 'unknown'}`;
  }
}

export const iso = (ms: number | null): string => (ms === null ? '-' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z'));
