// Every `sextant ...` / `npx sextant ...` command in the code blocks of README.md and docs/*.md runs, in
// process through main() (the built package's when dist/ is built from the current sources, as bin/sextant.js
// runs it; else the sources'), in one temporary working directory that a user following the docs would have:
// first the state a paper run leaves (the live run `paper` in ./.sextant), then the files the commands
// mention (prices.csv and other CSVs, a user strategy file, risk.json, sextant.json, query.sql, the run.json
// of a backtest, an instrument reference file, an audit checkpoint). Each must exit 0 and do what it says (write its output file, process > 0 bars, ...).
//
// What is not run as written, and why (everything else runs exactly as the docs print it):
// - Synopses: lines with <placeholders>, `...` elisions or `[flags]` are usage, not commands. Optional
//   `[--flag value]` groups are dropped and the rest runs (so `sextant status [--run id]` runs `sextant status`).
// - `a | b` alternatives run as two commands.
// - Bounded variants of long-running commands: `paper` on the live market gets `--duration 3` (or its own
//   --duration capped at 3 s), a replay without `--speed` gets `--speed max`; the `kill` commands run in turn
//   against one paper node started for them (a kill with no paper process running would have nothing to act
//   on), stopped after the last; `worker` is a real process (`node bin/sextant.js worker`), which also serves
//   the docs' commands sent to the queue, stopped with SIGTERM once it served a `--queue` command; `rl train`
//   and `rl evaluate` train each policy for at most 1,024 steps (their --steps capped; on the market that is one
//   PPO update of 8 environments x 128 steps).
// - Servers: Redis URLs in the docs (redis://10.0.0.5:6379) point at the local server 127.0.0.1:6379 with a
//   queue name of this test's own; without a reachable Redis those commands are skipped, saying so.
// - Absolute example paths (/data/spy.csv) are moved under the working directory.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeHandle } from '../src/app/node-handle.ts';
import { Rng } from '../src/core/rng.ts';

const ROOT = resolve(import.meta.dirname, '..');
const WORK = mkdtempSync(join(tmpdir(), 'sextant-docs-'));
const REDIS = { host: '127.0.0.1', port: 6379 };
const QUEUE_NAME = `docs-${process.pid}`;
const MAX_PAPER_S = 3;
const MAX_RL_STEPS = 1024;

/**
 * The CLI runs from the built package (dist/) when the suite runs it for spawned commands too (the test runner sets
 * SEXTANT_FROM_SOURCE=auto when dist/ was built after every change to src/, as `npm ci` leaves it), imported with
 * Node's own loader as bin/sextant.js does: its worker threads (paper nodes, model fits, sweeps) then load the
 * compiled package, as users' do, instead of each registering a TypeScript loader to load the sources. Else (or on
 * a Node without vm's main-context loader) the sources, through the test runner.
 */
const MAIN_LOADER = (vm.constants as Partial<typeof vm.constants> | undefined)?.USE_MAIN_CONTEXT_DEFAULT_LOADER;
const FROM_BUILD = process.env.SEXTANT_FROM_SOURCE === 'auto' && MAIN_LOADER !== undefined && existsSync(join(ROOT, 'dist/cli/main.js'));
/** A module of dist/ (`cli/main` for dist/cli/main.js) imported by Node itself, not by the test runner. */
const builtModule = <T>(module: string): Promise<T> =>
  (vm.runInThisContext('(url) => import(url)', { importModuleDynamically: MAIN_LOADER! }) as (url: string) => Promise<T>)(pathToFileURL(join(ROOT, 'dist', `${module}.js`)).href);
const { main } = FROM_BUILD ? await builtModule<typeof import('../src/cli/main.ts')>('cli/main') : await import('../src/cli/main.ts');

interface DocCommand {
  readonly where: string;
  readonly text: string;
  readonly argv: string[];
}

// ---- extraction ----

/** Splits a shell command line into words (single and double quotes, no expansions). */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let cur = '';
  let quote: string | null = null;
  let started = false;
  for (const ch of line) {
    if (quote !== null) {
      if (ch === quote) quote = null;
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      started = true;
    } else if (/\s/.test(ch)) {
      if (started || cur) words.push(cur);
      cur = '';
      started = false;
    } else {
      cur += ch;
      started = true;
    }
  }
  if (started || cur) words.push(cur);
  return words;
}

/** Drops a trailing `# comment` outside quotes. */
function stripComment(line: string): string {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quote !== null) {
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '#' && (i === 0 || /\s/.test(line[i - 1]!))) return line.slice(0, i).trimEnd();
  }
  return line;
}

/** Removes `[...]` groups (nested) outside quotes: optional flags of a synopsis. */
function dropOptional(line: string): string {
  let out = '';
  let depth = 0;
  let quote: string | null = null;
  for (const ch of line) {
    if (quote !== null) {
      if (ch === quote) quote = null;
      if (depth === 0) out += ch;
      continue;
    }
    if ((ch === '"' || ch === "'") && depth === 0) {
      quote = ch;
      out += ch;
    } else if (ch === '[') depth++;
    else if (ch === ']') depth = Math.max(0, depth - 1);
    else if (depth === 0) out += ch;
  }
  return out.replace(/\s+/g, ' ').trim();
}

const COMMAND_START = /^(?:\$\s+)?(?:npx\s+)?sextant\s+(?!\S*:\s)/;

function docFiles(): string[] {
  return ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];
}

function extract(): { commands: DocCommand[]; synopses: { where: string; text: string; reason: string }[] } {
  const commands: DocCommand[] = [];
  const synopses: { where: string; text: string; reason: string }[] = [];
  for (const file of docFiles()) {
    const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
    let inBlock = false;
    let runnable = false;
    for (let i = 0; i < lines.length; i++) {
      const fence = /^\s*```(\w*)/.exec(lines[i]!);
      if (fence) {
        inBlock = !inBlock;
        runnable = inBlock && ['', 'sh', 'bash', 'shell', 'console'].includes(fence[1]!);
        continue;
      }
      if (!inBlock || !runnable) continue;
      let text = lines[i]!;
      const first = i + 1;
      while (text.trimEnd().endsWith('\\') && i + 1 < lines.length) text = `${text.trimEnd().slice(0, -1)} ${lines[++i]!.trim()}`;
      text = stripComment(text.trim());
      if (!COMMAND_START.test(text)) continue;
      const where = `${file}:${first}`;
      for (const alt of text.split(/\s\|\s(?=(?:npx\s+)?sextant\s)/)) {
        if (/\[flags\]/.test(alt) || /<[^>]*>|\.\.\./.test(dropOptional(alt))) {
          synopses.push({ where, text: alt, reason: 'a synopsis (placeholders, elisions or [flags])' });
          continue;
        }
        const words = shellWords(dropOptional(alt).replace(COMMAND_START, ''));
        commands.push({ where, text: alt, argv: words });
      }
    }
  }
  return { commands, synopses };
}

// ---- the working directory a user following the docs would have ----

function writeCsv(path: string, seed: number, opts: { bars?: number; start?: string; base?: number; like?: string } = {}): void {
  if (existsSync(path)) return;
  mkdirSync(dirname(path), { recursive: true });
  const rng = new Rng(seed);
  // 650 daily bars (2019-01 to 2021-06): the longest windows of the examples (slow=200), the 2020 stress window,
  // and two walk-forward folds of `ml evaluate` (50 bars of feature warm-up, 300 to train, 250 and 51 to test)
  // and of `rl evaluate` (325 to train, more than an episode needs, 250 and 75 to test). More only costs time.
  const n = opts.bars ?? 650;
  const t0 = Date.parse(`${opts.start ?? '2019-01-02'}T00:00:00Z`);
  const rows = ['Date,Open,High,Low,Close,Volume'];
  let p = opts.base ?? 50;
  const like = opts.like === undefined ? null : readFileSync(opts.like, 'utf8').trim().split('\n').slice(1).map((r) => Number(r.split(',')[4]));
  for (let i = 0, day = 0; i < n; day++) {
    const d = new Date(t0 + day * 86_400_000);
    if (d.getUTCDay() === 0 || d.getUTCDay() === 6) continue;
    const o = p;
    // A second leg follows the first one's closes (a cointegrated pair) when `like` is given.
    p = like !== null ? like[i]! * 1.3 + 2 * rng.normal() * 0.1 + 5 : Math.max(1, p * Math.exp(0.018 * rng.normal()));
    rows.push(`${d.toISOString().slice(0, 10)},${o.toFixed(2)},${(Math.max(o, p) * 1.01).toFixed(2)},${(Math.min(o, p) * 0.99).toFixed(2)},${p.toFixed(2)},${100_000 + Math.floor(rng.next() * 50_000)}`);
    i++;
  }
  writeFileSync(path, rows.join('\n') + '\n');
}

const USER_STRATEGY = `// A user strategy file outside the checkout, importing the API as 'sextant' (docs/strategy-guide.md).
import { Strategy, z, type Bar, type StrategyContext } from 'sextant';

export class BuyOnce extends Strategy<{ qty: number }> {
  static readonly schema = z.object({ qty: z.number().int().positive().default(10) });
  #done = false;
  override onBar(bar: Bar, ctx: StrategyContext): void {
    if (this.#done) return;
    this.#done = true;
    ctx.buy(bar.symbol, this.config.qty);
  }
}
`;

/** Files a command names (`csv:<path>`, a strategy file, --risk/--config/--file/--run inputs), created when missing. */
async function prepareInputs(argv: readonly string[]): Promise<void> {
  let seed = 100;
  for (let i = 0; i < argv.length; i++) {
    const w = argv[i]!;
    const prev = argv[i - 1];
    const csv = /^csv:(.+)$/.exec(w);
    if (csv) {
      const path = resolve(WORK, csv[1]!);
      if (/\bpep\.csv$|\bb\.csv$/.test(path)) {
        const leg = path.replace(/pep\.csv$/, 'ko.csv').replace(/\bb\.csv$/, 'a.csv');
        writeCsv(leg, seed++);
        writeCsv(path, seed++, { like: leg });
      } else writeCsv(path, seed++);
    }
    if (prev === '--strategy' && /\.ts$/.test(w) && !existsSync(resolve(WORK, w))) writeFileSync(resolve(WORK, w), USER_STRATEGY);
    if (prev === '--risk' && !existsSync(resolve(WORK, w))) writeFileSync(resolve(WORK, w), JSON.stringify({ maxPositionPct: 100, maxGrossLeverage: 3, priceCollarPct: 50 }));
    if (prev === '--file' && !existsSync(resolve(WORK, w))) writeFileSync(resolve(WORK, w), 'select count(*) as n from bars');
    // An instrument reference file of the reports (the repo's example, which lists the docs' symbols).
    if (prev === '--reference' && !existsSync(resolve(WORK, w))) writeFileSync(resolve(WORK, w), readFileSync(join(ROOT, 'examples', 'instruments.csv')));
    // An audit checkpoint kept elsewhere: made from the docs' store as `sextant audit checkpoint` makes it.
    if (prev === '--from-checkpoint' && !existsSync(resolve(WORK, w))) {
      const code = await main(['audit', 'checkpoint', '--out', w], () => {}, () => {});
      if (code !== 0) throw new Error(`could not make ${w} for ${argv.join(' ')}`);
    }
    if (prev === '--config' && !existsSync(resolve(WORK, w))) {
      writeCsv(resolve(WORK, 'prices.csv'), 1);
      writeFileSync(resolve(WORK, w), JSON.stringify({ strategy: 'sma-cross', data: ['csv:prices.csv'], param: { fast: 10, slow: 30 }, commission: 0.001, json: 'out.json', quiet: true }));
    }
    // `--run <file>.json` of risk/tax/montecarlo: the JSON of a backtest, as the docs make it just before.
    if (prev === '--run' && /\.json$/.test(w) && !existsSync(resolve(WORK, w))) {
      writeCsv(resolve(WORK, 'prices.csv'), 1);
      const code = await main(['backtest', '--strategy', 'sma-cross', '--data', 'csv:prices.csv', '--json', w, '--quiet'], () => {}, () => {});
      if (code !== 0) throw new Error(`could not make ${w} for ${argv.join(' ')}`);
    }
  }
}

// ---- running ----

interface Ran {
  code: number;
  out: string;
  err: string;
}

async function run(argv: readonly string[]): Promise<Ran> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, (s) => out.push(s), (s) => err.push(s));
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const flagValue = (argv: readonly string[], flag: string): string | undefined => {
  const i = argv.lastIndexOf(flag);
  return i >= 0 ? argv[i + 1] : undefined;
};

/** The bounded, local form of a docs command (see the header); the docs' text stays the test's name. */
function bounded(argv: readonly string[]): string[] {
  const a = argv.map((w) => w.replace(/^redis:\/\/10\.0\.0\.5:6379$/, `redis://${REDIS.host}:${REDIS.port}`).replace(/^csv:\/data\//, 'csv:abs/data/'));
  if (a.some((w) => w.startsWith('redis://')) && !a.includes('--queue-name')) a.push('--queue-name', QUEUE_NAME);
  if (a[0] === 'paper') {
    const replay = a.includes('--replay');
    if (replay && !a.includes('--speed')) a.push('--speed', 'max');
    if (!replay) {
      const d = flagValue(a, '--duration');
      if (d === undefined) a.push('--duration', String(MAX_PAPER_S));
      else if (Number(d) > MAX_PAPER_S) a[a.lastIndexOf('--duration') + 1] = String(MAX_PAPER_S);
    }
  }
  // Training a policy (`rl train`, each walk-forward window of `rl evaluate`) for the docs' step count only
  // repeats what its first PPO updates show.
  if (a[0] === 'rl' && (a[1] === 'train' || a[1] === 'evaluate') && Number(flagValue(a, '--steps') ?? 0) > MAX_RL_STEPS) a[a.lastIndexOf('--steps') + 1] = String(MAX_RL_STEPS);
  return a;
}

function filesUnder(dir: string): Set<string> {
  const out = new Set<string>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name === '.sextant' || e.name === 'node_modules') continue;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.add(p);
    }
  };
  walk(dir);
  return out;
}

/** A flag's value from the command line, else from its `--config` file (flags override the file). */
function effectiveFlag(argv: readonly string[], flag: string): string | undefined {
  const v = flagValue(argv, flag);
  const config = flagValue(argv, '--config');
  if (v !== undefined || config === undefined) return v;
  const value = (JSON.parse(readFileSync(resolve(WORK, config), 'utf8')) as Record<string, unknown>)[flag.slice(2)];
  return typeof value === 'string' ? value : undefined;
}

/** Checks that the command did what it says, beyond its exit code. */
function checkEffects(argv: readonly string[], r: Ran, before: Set<string>): void {
  for (const flag of ['--json', '--csv', '--report', '--out']) {
    const v = effectiveFlag(argv, flag);
    if (v === undefined) continue;
    if (v === '-') {
      expect(() => JSON.parse(r.out), `${flag} - prints JSON on stdout`).not.toThrow();
      continue;
    }
    const path = resolve(WORK, v);
    expect(existsSync(path), `${flag} ${v} was written`).toBe(true);
    expect(statSync(path).size).toBeGreaterThan(0);
    if (v.endsWith('.json')) expect(() => JSON.parse(readFileSync(path, 'utf8'))).not.toThrow();
  }
  const cmd = argv[0];
  if (cmd === 'paper') {
    const state = resolve(WORK, flagValue(argv, '--state-dir') ?? '.sextant');
    const status = JSON.parse(readFileSync(join(state, 'status.json'), 'utf8')) as { barsSeen: number; ended?: boolean };
    expect(status.ended).toBe(true);
    expect(status.barsSeen, 'the paper session processed bars').toBeGreaterThan(0);
    expect(r.err).not.toMatch(/processed 0 bars/);
  }
  if (cmd === 'new') {
    const made = [...filesUnder(WORK)].filter((f) => !before.has(f));
    expect(made.length, 'new strategy wrote files').toBeGreaterThan(0);
  }
  if (cmd === 'data' && argv[1] === 'list') expect(r.out).toMatch(/ACME|SPY/);
  if (cmd === 'sql') expect(r.out.trim().length).toBeGreaterThan(0);
  if (cmd === 'status') {
    const runId = flagValue(argv, '--json') === '-' ? (JSON.parse(r.out) as { runId: string | null }).runId : /\brun\b\W+(\S+)/.exec(r.out)?.[1];
    expect(runId, 'status names a stored run').toBeTruthy();
  }
  if (['backtest', 'strategies', 'demo', 'option', 'indicator', 'coint', 'optimize', 'walkforward', 'stress', 'lookahead', 'recursive', 'risk', 'tax', 'montecarlo'].includes(cmd!)) {
    expect(r.out.trim().length + (effectiveFlag(argv, '--json') ? 1 : 0), `${cmd} printed or wrote a result`).toBeGreaterThan(0);
  }
}

/** Docs commands in the order a user can follow them: producers before the commands reading their output. */
const PHASE: Record<string, number> = {
  new: 1, strategies: 1, option: 1, demo: 1, indicator: 1, coint: 1, data: 1,
  // `ml train` writes the model files that backtest and paper examples (and `ml predict`) read.
  ml: 1.8,
  // `rl train` writes the policy files that backtest examples read.
  rl: 1.8,
  backtest: 2, sql: 2,
  risk: 3, tax: 3, montecarlo: 3, optimize: 3, walkforward: 3, stress: 3, lookahead: 3, recursive: 3,
  // `status` reads the stored runs before the kill commands' paper node runs (status would show that node).
  paper: 4, status: 5, kill: 5.5,
};
const phaseOf = (c: DocCommand): number => {
  if (c.argv[0] === 'data' && c.argv[1] === 'list') return 1.5;
  // The servers share a state folder, and a server starts again the bots of the one before it: the demo bot
  // (`serve --demo`) comes last, so that it does not trade in the other servers too.
  if (c.argv[0] === 'serve' && c.argv.includes('--demo')) return 3.5;
  // `worker` after the commands sent to a queue: one worker process serves them all (withWorker), and the
  // worker command's own check stops it.
  if (c.argv[0] === 'worker') return 6.5;
  if (c.argv.some((w) => w.startsWith('redis://'))) return 6;
  if (c.argv.some((w) => w.startsWith('csv:') === false && /^store:/.test(w))) return 2.5;
  return PHASE[c.argv[0]!] ?? 3;
};

function redisUp(): Promise<boolean> {
  return new Promise((res) => {
    const s = createConnection(REDIS);
    s.setTimeout(500);
    s.once('connect', () => {
      s.destroy();
      res(true);
    });
    s.once('error', () => res(false));
    s.once('timeout', () => {
      s.destroy();
      res(false);
    });
  });
}

const { commands, synopses } = extract();
const ordered = [...commands].sort((a, b) => phaseOf(a) - phaseOf(b));
const cwd = process.cwd();
let redis = false;

describe('every command in README.md and docs/*.md', () => {
  beforeAll(async () => {
    process.chdir(WORK);
    redis = await redisUp();
    // The state the docs' examples start from: the live run `paper` with four strategies, stopped.
    const argv = ['paper', '--strategy', 'sma-cross', '--strategy', 'rsi', '--strategy', 'bollinger', '--strategy', 'buy-and-hold'];
    const r = await run([...argv, '--duration', '2', '--quiet']);
    expect(r.code, r.err).toBe(0);
  }, 120_000);

  afterAll(async () => {
    // Left running only when a test stopped early: the worker or kill node its last command would have stopped.
    if (queueWorker !== null) await stopWorker(queueWorker);
    if (killNode !== null) await stopKillNode(killNode);
    process.chdir(cwd);
  }, 60_000);

  it('finds the commands (and lists the synopses it does not run)', () => {
    expect(commands.length).toBeGreaterThan(30);
    expect(commands.map((c) => c.argv[0])).toEqual(expect.arrayContaining(['backtest', 'paper', 'status', 'kill', 'optimize', 'strategies']));
    expect(synopses.every((s) => s.reason.length > 0)).toBe(true);
  });

  // A command printed in several places (`sextant serve` in the README, api.md and cli.md) runs once; its
  // other places pass when that run passed (running it again would only repeat its side effects).
  const runs = new Map<string, Promise<void>>();
  for (const c of ordered) {
    const needsRedis = c.argv.some((w) => w.startsWith('redis://'));
    it(`${c.where}: ${c.text}`, async (ctx) => {
      if (needsRedis && !redis) ctx.skip(`needs Redis at ${REDIS.host}:${REDIS.port}, which is not reachable`);
      const argv = bounded(c.argv);
      const key = runKey(argv).join('\u0000');
      const earlier = runs.get(key);
      if (earlier !== undefined) return earlier;
      const ran = (async (): Promise<void> => {
        await prepareInputs(argv);
        if (argv[0] === 'worker') return workerServes(argv);
        if (argv[0] === 'serve') return serverServes(argv);
        if (argv[0] === 'kill') return killDuringPaper(argv);
        if (needsRedis) return withWorker(() => runChecked(argv));
        await runChecked(argv);
      })();
      runs.set(key, ran);
      await ran;
    }, 180_000);
  }
});

async function runChecked(argv: readonly string[]): Promise<void> {
  // The files before the command, for `new` (checked by the files it makes) only: the folder holds thousands of
  // files once the servers' and the restored stores are in it, a walk the other commands do not need.
  const before = argv[0] === 'new' ? filesUnder(WORK) : new Set<string>();
  const r = await run(argv);
  expect(r.code, `exit code of sextant ${argv.join(' ')}\n${r.err.slice(-2000)}`).toBe(0);
  checkEffects(argv, r, before);
}

/** The run of the kill commands' paper node: the one a docs' kill names (`kill --resume --run bot1`), else its own. */
const KILL_RUN = commands.map((c) => (c.argv[0] === 'kill' ? flagValue(c.argv, '--run') : undefined)).find((r) => r !== undefined) ?? 'for-kill';
/** The kill commands that have not run yet: the last one stops the node. */
let killsLeft = new Set(commands.filter((c) => c.argv[0] === 'kill').map((c) => runKey(bounded(c.argv)).join('\u0000'))).size;

interface KillNode {
  readonly stateDir: string;
  readonly runId: string;
  readonly paper: Promise<Ran>;
  ended: Ran | null;
}
let killNode: KillNode | null = null;

/** A paper node for the kill commands (live market, bars every 200 ms) once it serves its control endpoint. */
async function startKillNode(stateDir: string, runId: string): Promise<KillNode> {
  // Its --duration only bounds it should a test stop early: the last kill command stops it.
  const paper = run(['paper', '--strategy', 'buy-and-hold', '--symbols', 'BTC-USD', '--bar-ms', '200', '--run', runId, '--state-dir', stateDir, '--duration', '170', '--quiet']);
  const node: KillNode = { stateDir, runId, paper, ended: null };
  void paper.then((p) => (node.ended = p));
  // The node answers commands once it serves its control endpoint (the file appears after the restore).
  for (let i = 0; i < 1200 && node.ended === null && !existsSync(join(stateDir, 'node-endpoint.json')); i++) await new Promise((r) => setTimeout(r, 50));
  expect(node.ended, 'the paper session for kill ended before its node served commands').toBeNull();
  return node;
}

async function connectTo(node: KillNode): Promise<NodeHandle> {
  const { connectNode } = FROM_BUILD ? await builtModule<typeof import('../src/app/connect-node.ts')>('app/connect-node') : await import('../src/app/connect-node.ts');
  return connectNode({ stateDir: node.stateDir, runId: node.runId });
}

/** Stops the node gracefully (as SIGTERM does); it must end cleanly. */
async function stopKillNode(node: KillNode): Promise<Ran> {
  if (node.ended === null) {
    const handle = await connectTo(node);
    try {
      expect((await handle.stop()).status).toBe('done');
    } finally {
      await handle.close();
    }
  }
  const p = await node.paper;
  expect(p.code, p.err).toBe(0);
  return p;
}

/**
 * `kill` acts on a running paper node. One node serves the kill commands in turn (not a paper session each):
 * before each, it is put in the state the command changes (trading before a kill, halted before `--resume`), and
 * after it, it must be in the state the command leaves (asked of the node). The last kill command stops the node,
 * which must end cleanly in that state (its status file).
 */
async function killDuringPaper(argv: readonly string[]): Promise<void> {
  const last = --killsLeft === 0;
  const stateDir = resolve(WORK, flagValue(argv, '--state-dir') ?? '.sextant');
  const runId = flagValue(argv, '--run') ?? killNode?.runId ?? KILL_RUN;
  const resume = argv.includes('--resume');
  if (killNode !== null && (killNode.ended !== null || killNode.stateDir !== stateDir || killNode.runId !== runId)) {
    const other = killNode;
    killNode = null;
    await stopKillNode(other);
  }
  const node = (killNode ??= await startKillNode(stateDir, runId));
  const handle = await connectTo(node);
  try {
    if ((await handle.status()).halted !== resume) expect((resume ? await handle.pause() : await handle.resume()).status).toBe('done');
    expect((await handle.status()).halted, 'the node before the command').toBe(resume);
    const r = await run(argv);
    expect(r.code, r.err).toBe(0);
    expect((await handle.status()).halted, 'the state the command leaves').toBe(!resume);
  } finally {
    await handle.close();
  }
  if (last) {
    killNode = null;
    await stopKillNode(node);
    const status = JSON.parse(readFileSync(join(stateDir, 'status.json'), 'utf8')) as { halted: boolean; ended?: boolean };
    expect(status.ended).toBe(true);
    expect(status.halted).toBe(!resume);
  }
}

/** The argv as it runs: `serve` gets a free port whatever port the docs print, so `serve --port 9000` is `serve`. */
function runKey(argv: readonly string[]): readonly string[] {
  return argv[0] === 'serve' ? argv.filter((_w, i) => argv[i] !== '--port' && argv[i - 1] !== '--port') : argv;
}

/** `serve` (the docs' command, as a process) runs until stopped: it must answer health, then stop cleanly on SIGTERM. */
async function serverServes(argv: readonly string[]): Promise<void> {
  // Any free port (the docs' port may be taken); a state folder of the servers' own (a server would resume the
  // bots of the docs' paper runs), shared by them: the first creates the store, the others resume it (as a user
  // restarting the server does), instead of each paying for a new embedded database.
  const a = [...runKey(argv), '--port', '0', '--state-dir', join(WORK, 'serve-state')];
  const child = spawn(process.execPath, [join(ROOT, 'bin/sextant.js'), ...a], { cwd: WORK, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout.on('data', (b: Buffer) => (text += b.toString()));
  child.stderr.on('data', (b: Buffer) => (text += b.toString()));
  const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
  try {
    for (let i = 0; i < 1200 && !/sextant server on (http:\S+)/.test(text); i++) await new Promise((r) => setTimeout(r, 50));
    const url = /sextant server on (http:\S+)/.exec(text)?.[1];
    expect(url, text).toBeDefined();
    const health = await fetch(`${url}/api/v1/health`);
    expect(health.status).toBe(200);
  } finally {
    child.kill('SIGTERM');
  }
  expect(await exited, text).toBe(0);
}

const LOCAL_WORKER = ['worker', '--queue', `redis://${REDIS.host}:${REDIS.port}`, '--queue-name', QUEUE_NAME];

interface WorkerProcess {
  readonly argv: readonly string[];
  readonly exited: Promise<number | null>;
  kill(): void;
  text(): string;
}
/** The worker process serving this test's queue, started by the first command that needs one. */
let queueWorker: WorkerProcess | null = null;

/** A real worker process (`worker` argv) serving this test's queue once it says so. */
async function startWorker(argv: readonly string[]): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [join(ROOT, 'bin/sextant.js'), ...argv], { cwd: WORK, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout.on('data', (b: Buffer) => (text += b.toString()));
  child.stderr.on('data', (b: Buffer) => (text += b.toString()));
  const w: WorkerProcess = { argv, exited: new Promise<number | null>((res) => child.on('exit', (code) => res(code))), kill: () => child.kill('SIGTERM'), text: () => text };
  for (let i = 0; i < 600 && !/serving queue/.test(text); i++) await new Promise((r) => setTimeout(r, 50));
  if (!/serving queue/.test(text)) w.kill();
  expect(text).toMatch(/serving queue/);
  return w;
}

/** Stops the worker with SIGTERM: it must exit cleanly. */
async function stopWorker(w: WorkerProcess): Promise<void> {
  w.kill();
  expect(await w.exited, w.text()).toBe(0);
}

/**
 * `fn` runs while a real worker process (`worker` argv) serves this test's queue: one process for all the
 * commands sent to the queue (started by the first, left running for the next), as a user's worker serves
 * job after job.
 */
async function withWorker(fn: () => Promise<void>, worker: readonly string[] = LOCAL_WORKER): Promise<void> {
  if (queueWorker !== null && queueWorker.argv.join('\u0000') !== worker.join('\u0000')) {
    const other = queueWorker;
    queueWorker = null;
    await stopWorker(other);
  }
  queueWorker ??= await startWorker(worker);
  await fn();
}

/**
 * `worker` (the docs' command, as a process) runs until stopped: it must serve a distributed optimize (besides
 * the docs' commands sent to the queue before, when it served those), then stop cleanly on SIGTERM.
 */
async function workerServes(argv: readonly string[]): Promise<void> {
  writeCsv(resolve(WORK, 'prices.csv'), 1);
  const optimize = ['optimize', '--strategy', 'sma-cross', '--data', 'csv:prices.csv', '--space', 'fast=5:15:5,slow=20:40:10', '--queue', flagValue(argv, '--queue')!, '--queue-name', flagValue(argv, '--queue-name')!];
  await withWorker(() => runChecked(optimize), argv);
  const w = queueWorker!;
  queueWorker = null;
  await stopWorker(w);
}
