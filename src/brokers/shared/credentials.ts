// Venue credentials from the environment (the venues' usual variable names), and redaction so a key or
// secret never reaches a log line, an error message, the store or JSON output.
import { ConfigError } from '../../core/errors.ts';

export interface Credentials {
  readonly key: string;
  readonly secret: string;
}

/**
 * Reads a key and secret pair. Both set: the pair. Neither set: null, or a ConfigError naming the
 * variables when `required`. Only one set is always an error (a half-configured account).
 */
export function readCredentials(env: Readonly<Record<string, string | undefined>>, keyVar: string, secretVar: string, opts: { readonly required: boolean; readonly what?: string }): Credentials | null {
  const key = env[keyVar]?.trim() ?? '';
  const secret = env[secretVar]?.trim() ?? '';
  const what = opts.what ?? 'this venue';
  if (key === '' && secret === '') {
    if (opts.required) throw new ConfigError(`${keyVar} and ${secretVar} must be set in the environment to trade on ${what}`);
    return null;
  }
  if (key === '') throw new ConfigError(`${keyVar} is not set (${secretVar} is): set both to use ${what}`);
  if (secret === '') throw new ConfigError(`${secretVar} is not set (${keyVar} is): set both to use ${what}`);
  return { key, secret };
}

/** Replaces every occurrence of each secret (4 characters or longer) with a marker. */
export function redact(text: string, secrets: readonly (string | undefined | null)[]): string {
  let out = text;
  for (const s of secrets) if (s !== undefined && s !== null && s.length >= 4) out = out.split(s).join('[REDACTED]');
  return out;
}

/** Removes every secret from an error's message and stack, keeping its class (callers branch on it). */
export function redactError<E>(e: E, secrets: readonly (string | undefined | null)[]): E | Error {
  if (!(e instanceof Error)) return new Error(redact(String(e), secrets));
  e.message = redact(e.message, secrets);
  if (e.stack !== undefined) e.stack = redact(e.stack, secrets);
  return e;
}
