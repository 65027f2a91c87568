// `--risk <file.json>`: the pre-trade checks and circuit breakers of a run, from one JSON file
// `{ "checks": { ... }, "breakers": { ... } }` (keys and defaults in docs/risk.md).
import { readFileSync } from 'node:fs';
import { ConfigError } from '../core/errors.ts';
import { parseCircuitBreakerConfig, type CircuitBreakerConfig } from '../risk/breakers/index.ts';
import { parseRiskConfig, type RiskConfig } from '../risk/checks/index.ts';

export interface RunRiskConfig {
  readonly riskConfig?: RiskConfig;
  readonly breakers?: CircuitBreakerConfig;
}

export function loadRiskConfig(path: string | undefined): RunRiskConfig {
  if (path === undefined) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ConfigError(`cannot read risk config: ${e instanceof Error ? e.message : String(e)}`, { file: path, field: '--risk' });
  }
  return parseRunRiskConfig(raw, path);
}

/** `{ "checks": {...}, "breakers": {...} }` from a file (`file` names it in errors) or a request body. */
export function parseRunRiskConfig(raw: unknown, file?: string): RunRiskConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ConfigError('risk config must be an object { "checks": {...}, "breakers": {...} }', { file, field: file === undefined ? 'risk' : undefined });
  const { checks, breakers, ...rest } = raw as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length) throw new ConfigError(`unknown key "${unknown[0]}" (expected "checks" and/or "breakers")`, { file, field: file === undefined ? `risk.${unknown[0]}` : unknown[0] });
  return {
    riskConfig: checks === undefined ? undefined : inPart('checks', file, () => parseRiskConfig(checks as RiskConfig) as RiskConfig),
    breakers: breakers === undefined ? undefined : inPart('breakers', file, () => parseCircuitBreakerConfig(breakers as CircuitBreakerConfig) as CircuitBreakerConfig),
  };
}

/**
 * A part's error: from a file, the file and the message (which names the key); from a request body, the
 * field inside it (`risk.checks.maxPositionPct`) so that a form can show the message next to that input.
 */
function inPart<T>(part: 'checks' | 'breakers', file: string | undefined, parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (file !== undefined) throw new ConfigError(message, { file });
    const inner = (e as { where?: { field?: string } }).where?.field;
    throw new ConfigError(message.replace(/^field "[^"]*": /, ''), { field: inner === undefined ? `risk.${part}` : `risk.${part}.${inner}` });
  }
}
