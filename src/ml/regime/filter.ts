// Regimes as a strategy filter: trade only in the regimes a config allows. An allowed entry is a regime
// name ('bull_quiet'), a family ('bull', 'bear', 'sideways', 'quiet', 'volatile'), an HMM state
// ('hmm_0'), '*' (any known regime) or 'unknown' (the warm-up). Anything else is a ConfigError, so a
// typo cannot silently stop a strategy from trading.
import { ConfigError } from '../../core/errors.ts';
import { REGIME_NAMES, regimeName } from './names.ts';

const FAMILIES = new Set(['bull', 'bear', 'sideways', 'quiet', 'volatile']);
const NAMES = new Set<string>(REGIME_NAMES);

function matches(name: string, entry: string): boolean {
  if (entry === name) return true;
  if (name === 'unknown') return false;
  if (entry === '*') return true;
  if (!FAMILIES.has(entry)) return false;
  return name.startsWith(`${entry}_`) || name.endsWith(`_${entry}`);
}

function checkEntry(entry: string): void {
  if (NAMES.has(entry) || FAMILIES.has(entry) || entry === '*' || entry === 'unknown' || /^hmm_\d+$/.test(entry)) return;
  throw new ConfigError(`unknown regime "${entry}" (known: ${REGIME_NAMES.join(', ')}, families bull/bear/sideways/quiet/volatile, hmm_<n>, *, unknown)`, { field: 'regimes' });
}

/** Whether `regime` (a name or a rule-regime code) is among `allowed`. */
export function allows(regime: string | number, allowed: readonly string[]): boolean {
  const name = typeof regime === 'number' ? regimeName(regime) : regime;
  for (const entry of allowed) {
    checkEntry(entry);
    if (matches(name, entry)) return true;
  }
  return false;
}

/** `allows` for one fixed list of rule regimes, checked once: a lookup per bar, nothing allocated. */
export function regimeFilter(allowed: readonly string[]): (code: number) => boolean {
  for (const entry of allowed) checkEntry(entry);
  const ok = REGIME_NAMES.map((n) => allowed.some((e) => matches(n, e)));
  const unknown = allowed.includes('unknown');
  return (code) => ok[code] ?? unknown;
}
