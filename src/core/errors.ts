// Errors grouped by what the caller should do (docs/architecture.md, "Errors").

/** Where in a user file a problem sits; every InputError names it when known. */
export interface SourceLocation {
  readonly file?: string;
  readonly line?: number;
  readonly field?: string;
}

export abstract class SextantError extends Error {
  abstract readonly group: 'invariant' | 'config' | 'input' | 'retryable-venue' | 'venue-rejected' | 'strategy' | 'reconciliation';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A bug or corrupt state: stop. */
export class InvariantError extends SextantError {
  readonly group = 'invariant' as const;
}

function locate(loc: SourceLocation): string {
  const parts: string[] = [];
  if (loc.file !== undefined) parts.push(loc.line !== undefined ? `${loc.file}:${loc.line}` : loc.file);
  else if (loc.line !== undefined) parts.push(`line ${loc.line}`);
  if (loc.field !== undefined) parts.push(`field "${loc.field}"`);
  return parts.length ? `${parts.join(', ')}: ` : '';
}

/** Bad user configuration (flags, params, config files). CLI exit code 2. */
export class ConfigError extends SextantError {
  readonly group = 'config' as const;
  constructor(message: string, readonly where: SourceLocation = {}) {
    super(`${locate(where)}${message}`);
  }
}

/** Bad user data (files, HTTP bodies). CLI exit code 2. */
export class InputError extends SextantError {
  readonly group = 'input' as const;
  constructor(message: string, readonly where: SourceLocation = {}) {
    super(`${locate(where)}${message}`);
  }
}

/** Network trouble or rate limit at a venue: retry with backoff. */
export class RetryableVenueError extends SextantError {
  readonly group = 'retryable-venue' as const;
}

/** The venue refused a request: surface it, do not retry. */
export class VenueRejectedError extends SextantError {
  readonly group = 'venue-rejected' as const;
}

/**
 * A live node compared its store with the venue and found what no order or fill explains: it does not
 * trade (fails closed). `report` lists every correction made and every mismatch left.
 */
export class ReconciliationError extends SextantError {
  readonly group = 'reconciliation' as const;
  constructor(readonly venue: string, readonly report: readonly string[], message?: string) {
    super(message ?? `reconciliation with ${venue} failed; not trading (docs/live.md, "Reconciliation"):\n  ${report.join('\n  ')}`);
  }
}

/** User strategy code threw: stop that strategy, keep the rest running. */
export class StrategyError extends SextantError {
  readonly group = 'strategy' as const;
  constructor(readonly strategyId: string, cause: unknown) {
    super(`strategy ${strategyId} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** True for errors caused by the user's input (CLI exit 2, HTTP 4xx). */
export function isUserError(e: unknown): e is ConfigError | InputError {
  return e instanceof ConfigError || e instanceof InputError;
}
