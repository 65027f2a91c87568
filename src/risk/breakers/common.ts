// Option handling shared by the breakers.
import { ConfigError } from '../../core/errors.ts';
import { BREAKER_ACTIONS, type BreakerAction, type BreakerOptions } from './types.ts';

export interface Resolved {
  readonly name: string;
  readonly action: BreakerAction;
  readonly coolDownMs: number | null;
}

/** Fills a breaker's name, action and cool-down from its options and defaults, validated. */
export function resolveOptions(opts: BreakerOptions, defaults: Resolved): Resolved {
  const name = opts.name ?? defaults.name;
  const action = opts.action ?? defaults.action;
  const coolDownMs = opts.coolDownMs === undefined ? defaults.coolDownMs : opts.coolDownMs;
  if (name === '') throw new ConfigError('a breaker needs a name', { field: 'name' });
  if (!BREAKER_ACTIONS.includes(action)) throw new ConfigError(`unknown action "${String(action)}"; use ${BREAKER_ACTIONS.join(', ')}`, { field: `${name}.action` });
  if (coolDownMs !== null && !(coolDownMs >= 0 && Number.isFinite(coolDownMs))) {
    throw new ConfigError(`coolDownMs must be a non-negative number or null, got ${coolDownMs}`, { field: `${name}.coolDownMs` });
  }
  return { name, action, coolDownMs };
}

export function positive(field: string, x: number): void {
  if (!(x > 0 && Number.isFinite(x))) throw new ConfigError(`must be a positive number, got ${x}`, { field });
}

export function positiveInt(field: string, x: number): void {
  if (!(Number.isInteger(x) && x > 0)) throw new ConfigError(`must be a positive whole number, got ${x}`, { field });
}
