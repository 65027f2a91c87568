// Flag definitions shared by several commands: one meaning per flag everywhere (--json, --quiet, --data,
// --from/--to, --param), and the run flags of every command that runs a strategy on data.
import type { FlagDef, NumberRange } from './spec.ts';

type Extra = Partial<Omit<FlagDef, 'name' | 'kind' | 'description'>>;

export const flag = {
  bool: (name: string, description: string, x: Extra = {}): FlagDef => ({ name, kind: 'boolean', description, sample: 'true', ...x }),
  str: (name: string, arg: string, description: string, sample: string, x: Extra = {}): FlagDef => ({ name, kind: 'string', arg, description, sample, ...x }),
  num: (name: string, arg: string, description: string, range: NumberRange, sample: string, x: Extra = {}): FlagDef => ({ name, kind: 'number', arg, description, range, sample, ...x }),
  choice: (name: string, choices: readonly string[], description: string, x: Extra = {}): FlagDef => ({ name, kind: 'choice', choices, description, sample: choices[0]!, ...x }),
  date: (name: string, description: string, x: Extra = {}): FlagDef => ({ name, kind: 'date', arg: '<date>', description, sample: '2020-01-01', ...x }),
  kv: (name: string, description: string, sample: string, x: Extra = {}): FlagDef => ({ name, kind: 'key-value', arg: '<key=value>', description, sample, repeat: true, ...x }),
  input: (name: string, description: string, x: Extra = {}): FlagDef => ({ name, kind: 'input-file', arg: '<file>', description, sample: 'package.json', ...x }),
  output: (name: string, description: string, x: Extra = {}): FlagDef => ({ name, kind: 'output-file', arg: '<file>', description, sample: 'out.file', ...x }),
  dir: (name: string, description: string, x: Extra = {}): FlagDef => ({ name, kind: 'dir', arg: '<dir>', description, sample: '.', ...x }),
};

/** Counts: a positive integer up to `max`. */
export const count = (max: number): NumberRange => ({ min: 1, max, integer: true });
/** A seed of the random generators. */
export const SEED_RANGE: NumberRange = { min: 0, max: 4294967295, integer: true };

/** `--json <file>` writes JSON to the file; `--json -` prints it on stdout instead of the text summary. */
export const JSON_FLAG = flag.output('json', 'write the result as JSON to <file>; "-" prints it on stdout instead of the text output', { stdout: true, sample: '-' });
export const QUIET_FLAG = flag.bool('quiet', 'print no summary');
export const SKIP_BAD_ROWS_FLAG = flag.bool('skip-bad-rows', 'skip and count bad CSV rows instead of failing');
export const PARAM_FLAG = flag.kv('param', 'a strategy parameter, checked by its schema; repeat for several', 'fast=10', { default: "the strategy's defaults" });
export const DATA_FLAG = flag.str('data', '<source>', 'bars: synthetic[:seed], csv:<path> or store:<symbol>; repeat for several symbols', 'synthetic', { repeat: true, default: 'synthetic' });
export const FROM_FLAG = flag.date('from', 'keep bars at or after this UTC day', { default: 'all' });
export const TO_FLAG = flag.date('to', 'keep bars up to this UTC day (inclusive)', { default: 'all' });
export const WAREHOUSE_FLAG = flag.dir('warehouse', 'the warehouse folder', { default: '.sextant/warehouse' });
export const STATE_DIR_FLAG = flag.dir('state-dir', 'the state folder of paper runs', { default: '.sextant' });
/** `paper` and `live`: where an order intent is durable before the order is sent (docs/live.md, "Durability"). */
export const DURABILITY_FLAG = flag.choice(
  'durability', ['process', 'fsync', 'store'],
  'where an order intent is durable before it is sent: process (the intent journal written: survives a killed process), fsync (the journal synced to disk: survives power loss), store (committed to the store)',
  { default: 'store (the only one a replay takes)' },
);
export const RISK_FILE_FLAG = flag.input('risk', 'pre-trade checks and circuit breakers: { "checks": {...}, "breakers": {...} } (docs/risk.md)');

/** How data of another asset class trades: lot and tick defaults, and the instrument's terms. */
export const INSTRUMENT_FLAGS: readonly FlagDef[] = [
  flag.choice('asset', ['equity', 'crypto', 'fx', 'future'], 'asset class of CSV data: sets lot and tick defaults (crypto: fractional units)', { default: 'equity' }),
  flag.kv('instrument', 'an instrument term: multiplier, margin (per contract), commission-per-unit, min-commission, tick, lot, min-qty; repeat for several', 'multiplier=10'),
  flag.str('timeframe', '<tf>', 'resample the bars on load: a count and unit such as 15m, 1h, 4h, 1d, 1w, or M (months)', '1d', { default: 'as loaded' }),
];

/** The flags of one engine run (as `backtest` defines them), for every command that runs a strategy on data. */
export const RUN_FLAGS: readonly FlagDef[] = [
  flag.str('strategy', '<name|file.ts>', 'a built-in strategy (see `sextant strategies`) or a path to a .ts file exporting a Strategy class', 'sma-cross', { required: true }),
  DATA_FLAG,
  PARAM_FLAG,
  flag.num('cash', '<n>', 'starting cash', { min: 0, minExclusive: true, max: 1e15 }, '100000', { default: '100000' }),
  flag.num('commission', '<fraction>', 'commission as a fraction of traded value per fill', { min: 0, max: 1, maxExclusive: true }, '0.001', { default: '0' }),
  flag.num('slippage-bps', '<bps>', 'fixed adverse slippage on taker fills, basis points', { min: 0, max: 10_000 }, '5', { default: '0' }),
  flag.str('size', '<sizer>', 'default order size: pct-cash:<p>, qty:<n> or pct-equity:<p>', 'pct-cash:95', { default: 'pct-cash:95' }),
  flag.choice('fill', ['next-open', 'close'], "market orders fill at the next bar's open or at the signal bar's close", { default: 'next-open' }),
  FROM_FLAG,
  TO_FLAG,
  SKIP_BAD_ROWS_FLAG,
  flag.choice('account', ['cash', 'margin'], 'cash (no shorts, no borrowing) or margin (shorts and leverage)', { default: 'cash' }),
  flag.num('leverage', '<x>', 'max gross exposure / equity of a margin account', { min: 1, max: 100 }, '2', { default: '2' }),
  ...INSTRUMENT_FLAGS,
];

/** Search flags shared by optimize and walkforward. */
export const RESEARCH_FLAGS: readonly FlagDef[] = [
  ...RUN_FLAGS,
  flag.str('space', '<spec>', 'the search space: name=lo:hi[:step] or name=a|b, comma-separated', 'fast=5:20:5,slow=30:60:10', { required: true }),
  flag.str('objective', '<name>', 'what to maximize: sharpe, sortino, calmar, return, ...; add @dd<0.2 to cap the drawdown', 'sharpe', { default: 'sharpe' }),
  flag.choice('method', ['grid', 'random', 'tpe'], 'search method', { default: 'grid' }),
  flag.num('trials', '<n>', 'parameter sets to try (random, tpe)', count(1_000_000), '50', { default: '100' }),
  flag.num('seed', '<n>', 'seed of random and tpe search', SEED_RANGE, '1', { default: '1' }),
  flag.str('constraint', '<expr>', 'skip parameter sets that break it, e.g. fast<slow; repeat for several', 'fast<slow', { repeat: true }),
  flag.choice('engine', ['auto', 'fast', 'event'], 'the fast kernel or the event engine', { default: 'auto' }),
  flag.num('threads', '<n>', 'worker threads of the fast kernel (0 = in-process)', { min: 0, max: 256, integer: true }, '0', { default: 'the machine\'s cores' }),
  JSON_FLAG,
  QUIET_FLAG,
  flag.str('queue', '<redis-url>', 'run the trials on `sextant worker` processes through this Redis', 'redis://127.0.0.1:6379'),
  flag.str('queue-name', '<name>', 'the queue name (needs --queue)', 'sextant-research', { default: 'sextant-research' }),
  flag.num('chunk', '<n>', 'parameter sets per queued job (needs --queue)', count(1_000_000), '10'),
  flag.bool('record', 'record the result as a run in the store'),
  flag.str('db', '<url|dir>', 'the store to record into (needs --record): a postgres:// URL or a PGlite folder', '.sextant/research', { default: 'the embedded store' }),
];
