// Validates what a strategy passes to a ctx helper, turning the first zod issue into a ConfigError
// that names the field (e.g. `size.kelly: field "winRate": ...`).
import type { z } from 'zod';
import { ConfigError } from '../core/errors.ts';

export function parseArgs<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const r = schema.safeParse(input ?? {});
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : issue.path.map(String).join('.');
  const message = issue.code === 'unrecognized_keys' ? `unknown option "${field}"` : issue.message;
  throw new ConfigError(`${what}: ${message}`, field === '' ? {} : { field });
}
