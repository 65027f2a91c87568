// App use cases name the request fields they reject (`run`, `confidence`); the command line says which flag
// that was. `withFlags` re-raises a ConfigError or InputError about a mapped field with the flag in its place.
import { ConfigError, InputError } from '../core/errors.ts';

/** The error's own message, without the location prefix its constructor added. */
function bareMessage(e: ConfigError | InputError): string {
  const prefix = (e instanceof ConfigError ? new ConfigError('', e.where) : new InputError('', e.where)).message;
  return e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message;
}

/** `e` with its field replaced by the flag `flags[field]`; any other error as it is. */
export function flagError(e: unknown, flags: Readonly<Record<string, string>>): unknown {
  if (!(e instanceof ConfigError || e instanceof InputError)) return e;
  const field = e.where.field;
  if (field === undefined || !Object.hasOwn(flags, field)) return e;
  const where = { ...e.where, field: flags[field] };
  return e instanceof ConfigError ? new ConfigError(bareMessage(e), where) : new InputError(bareMessage(e), where);
}

/** Runs `fn`, naming request fields by their flags in the errors it throws. */
export function withFlags<T>(flags: Readonly<Record<string, string>>, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw flagError(e, flags);
  }
}
