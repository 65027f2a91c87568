// Every `sextant` command as a light definition: name, summary, arguments, flags (type, default, allowed
// values), examples. Nothing here imports an app, engine or store module: each implementation is loaded by
// src/cli/loaders.ts with a dynamic import() only when its command runs (test/cli/lazy.test.ts checks this).
import {
  count, DATA_FLAG, flag, FROM_FLAG, INSTRUMENT_FLAGS, JSON_FLAG, PARAM_FLAG, QUIET_FLAG, RESEARCH_FLAGS, RISK_FILE_FLAG, RUN_FLAGS, SEED_RANGE,
  SKIP_BAD_ROWS_FLAG, STATE_DIR_FLAG, DURABILITY_FLAG, TO_FLAG, WAREHOUSE_FLAG,
} from './flags.ts';
import type { CommandDef, FlagDef, GroupDef } from './spec.ts';

/** Ten years in seconds: the longest --duration. */
const TEN_YEARS_S = 10 * 365.25 * 86_400;
const runJsonFlag = (what: string): FlagDef => flag.input('run', `a file written by \`sextant backtest --json\`${what}`, { required: true });

export const GROUPS: readonly GroupDef[] = [
  { name: 'data', summary: 'import or download bars into the Parquet warehouse and list them' },
  { name: 'new', summary: 'write a new strategy from a commented template, with a test' },
  { name: 'user', summary: 'users of the API server and dashboard: add, change password, list, remove' },
  { name: 'token', summary: 'API tokens for scripts (Authorization: Bearer): create, list, revoke' },
  { name: 'audit', summary: 'the tamper-evident audit trail: verify the hash chain, show, export, checkpoint (docs/compliance.md)' },
  { name: 'report', summary: 'regulatory reports of a stored run: trade blotter, daily compliance, Form 13F information table, best execution (docs/compliance.md)' },
  { name: 'ml', summary: 'machine learning: train a model, evaluate it walk-forward out of sample, predict (docs/ml.md)' },
  { name: 'rl', summary: 'reinforcement learning: train a PPO policy on the trading env (or CartPole), evaluate it walk-forward out of sample (docs/ml.md)' },
];

/** The watchdog's budget for one strategy callback (user strategy code): paper restarts without the strategy, backtest ends. */
const STRATEGY_TIMEOUT_FLAG = flag.num('strategy-timeout', '<seconds>', 'stop strategy code that has not returned for this long (watchdog)', { min: 0.1, max: 86_400 }, '30', { default: '10' });

/** Where a venue's servers are: its own by default, or a compatible server at the venue's paths. */
const VENUE_URL_FLAGS: readonly FlagDef[] = [
  flag.str('base-url', '<url>', "REST root of a compatible server (a testnet, a sandbox, a local fake at the venue's own paths)", 'http://127.0.0.1:8080', { default: "the venue's" }),
  flag.str('stream-url', '<url>', "WebSocket origin of a compatible server (the venue's stream paths are added)", 'ws://127.0.0.1:8080', { default: "the venue's" }),
];
/** Where TWS / IB Gateway listens (`--venue ib`, `--feed ib`); the market-data link takes client id + 1. */
const IB_LINK_FLAGS: readonly FlagDef[] = [
  flag.str('ib-host', '<host>', 'TWS or IB Gateway host', '127.0.0.1', { default: '127.0.0.1' }),
  flag.num('ib-port', '<port>', 'TWS or IB Gateway API port: 7497 TWS paper, 7496 TWS live, 4002/4001 Gateway', { min: 1, max: 65_535, integer: true }, '7497'),
  flag.num('ib-client-id', '<n>', 'API client id (unique per TWS session; market data uses the next one)', { min: 0, max: 2 ** 31 - 2, integer: true }, '1', { default: '1' }),
];
const WARMUP_FLAG = flag.num('warmup', '<bars>', "bars of the venue's recent history replayed into the strategies before trading (orders meanwhile are not sent)", { min: 0, max: 5000, integer: true }, '200', { default: '200' });
const FEED_FLAG = flag.str('feed', '<venue>', 'trade on this venue\'s live market data: binance, ccxt:<exchangeId>, alpaca, ib (no orders reach the venue; keys optional)', 'binance');

/** What every `ml` command reads: the bars, the features and the labels. */
const ML_DATA_FLAGS: readonly FlagDef[] = [
  flag.str('data', '<source>', 'bars: synthetic[:seed], csv:<path> or store:<symbol>; train pools several', 'synthetic', { repeat: true, default: 'synthetic' }),
  FROM_FLAG,
  TO_FLAG,
  SKIP_BAD_ROWS_FLAG,
];
const ML_LEARN_FLAGS: readonly FlagDef[] = [
  flag.input('features', 'a JSON feature spec (docs/ml.md, "Features")', { default: 'returns, momentum, volatility, volume z-score, RSI' }),
  flag.choice('labels', ['direction', 'triple-barrier'], 'what the model learns: the sign of the return over --horizon bars, or which of profit-take, stop and time barriers is hit first', { default: 'direction' }),
  flag.num('horizon', '<bars>', 'bars the label looks ahead', count(10_000), '5', { default: '5' }),
  flag.num('profit-take', '<k>', 'triple-barrier upper barrier in multiples of the 20-bar volatility', { min: 0, max: 100, minExclusive: true }, '2', { default: '2' }),
  flag.num('stop-loss', '<k>', 'triple-barrier lower barrier in multiples of the 20-bar volatility', { min: 0, max: 100, minExclusive: true }, '2', { default: '2' }),
  flag.choice('model', ['ensemble', 'logistic', 'gbdt', 'nn'], 'the classifier: 60% gradient-boosted trees + 40% neural net, Platt-calibrated; or one of them; or logistic regression', { default: 'ensemble' }),
  flag.num('seed', '<n>', 'seed of every random choice in training', SEED_RANGE, '1', { default: '1' }),
  flag.num('threads', '<n>', 'worker threads for the fits (0 = in process)', { min: 0, max: 256, integer: true }, '0', { default: "the machine's cores" }),
  flag.str('queue', '<redis-url>', 'run the fits on `sextant worker` processes through this Redis', 'redis://127.0.0.1:6379'),
  flag.str('queue-name', '<name>', 'the queue name (needs --queue)', 'sextant-research', { default: 'sextant-research' }),
];

const ML_COMMANDS: readonly CommandDef[] = [
  {
    path: ['ml', 'train'],
    summary: 'fit a model on the data and write it as a model file (for `--strategy ml-ensemble --param model=<file>`)',
    flags: [
      ...ML_DATA_FLAGS,
      flag.str('timeframe', '<tf>', 'resample the bars on load: 15m, 1h, 4h, 1d, 1w, M', '1d', { default: 'as loaded' }),
      ...ML_LEARN_FLAGS,
      flag.output('out', 'write the model file here', { arg: '<model.json>', sample: 'model.json', required: true }),
      flag.num('validation', '<fraction>', "share of each series' last bars held out for the report's validation scores", { min: 0, max: 1, minExclusive: true, maxExclusive: true }, '0.2', { default: '0.2' }),
      JSON_FLAG,
      QUIET_FLAG,
    ],
    examples: ['sextant ml train --data csv:prices.csv --model logistic --out model.json'],
  },
  {
    path: ['ml', 'evaluate'],
    summary: 'walk-forward out of sample: retrain every N bars, trade through ml-ensemble with costs; Sharpe, deflated Sharpe, PBO, IC vs buy-and-hold and the classic strategies',
    flags: [
      flag.choice('strategy', ['ml-ensemble'], 'the strategy the models trade through', { default: 'ml-ensemble' }),
      ...RUN_FLAGS.filter((f) => f.name !== 'strategy'),
      ...ML_LEARN_FLAGS,
      flag.num('train-bars', '<n>', 'rows each model is fitted on', count(10_000_000), '1000', { default: "1000, or half the bars after the features' warm-up when fewer" }),
      flag.num('retrain-every', '<n>', 'bars between retrainings (each model trades the next n bars)', count(10_000_000), '250', { default: '250' }),
      flag.bool('expanding', 'fit each model on every bar before its test block instead of the last --train-bars'),
      flag.str('grid-models', '<kinds>', 'model kinds of the overfitting grid (comma-separated)', 'logistic,gbdt', { default: 'the model and logistic' }),
      flag.str('grid-quantiles', '<q,q,...>', 'entry quantiles of the overfitting grid', '0.6,0.75,0.9', { default: '0.6,0.75,0.9' }),
      flag.str('compare', '<names>', 'strategies to compare with on the same bars (comma-separated, default params)', 'buy-and-hold,sma-cross', { default: 'buy-and-hold and six classic strategies' }),
      JSON_FLAG,
      flag.output('report', 'write an HTML report to <file>', { arg: '<file.html>', sample: 'report.html' }),
      QUIET_FLAG,
    ],
    examples: ['sextant ml evaluate --strategy ml-ensemble --data csv:prices.csv --json ml-eval.json'],
  },
  {
    path: ['ml', 'predict'],
    summary: "a model file's P(up) for every bar of the data",
    flags: [
      flag.input('model', 'a model file written by `sextant ml train`', { required: true }),
      ...ML_DATA_FLAGS,
      flag.str('timeframe', '<tf>', 'resample the bars on load: 15m, 1h, 4h, 1d, 1w, M', '1d', { default: 'as loaded' }),
      JSON_FLAG,
      flag.output('csv', 'write time, symbol, close, p_up as CSV to <file>; "-" prints it on stdout instead of the summary', { stdout: true, sample: '-' }),
      QUIET_FLAG,
    ],
    examples: ['sextant ml predict --model model.json --data csv:prices.csv --json -'],
  },
];

/** The one series `rl` commands read. */
const RL_DATA_FLAGS: readonly FlagDef[] = [
  flag.str('data', '<source>', 'bars of one symbol: synthetic[:seed], csv:<path> or store:<symbol>', 'synthetic', { default: 'synthetic' }),
  FROM_FLAG,
  TO_FLAG,
  SKIP_BAD_ROWS_FLAG,
  ...INSTRUMENT_FLAGS,
];
const RL_STEPS_FLAGS: readonly FlagDef[] = [
  flag.num('envs', '<n>', 'environments stepped together (vectorized)', count(1024), '8', { default: '8' }),
  flag.num('workers', '<n>', 'worker threads the environments run on (0 = this thread)', { min: 0, max: 256, integer: true }, '2', { default: '0' }),
];
const RL_COST_FLAGS = (dflt: string): FlagDef[] => [
  flag.num('cash', '<n>', 'starting cash of the margin account', { min: 0, minExclusive: true, max: 1e15 }, '100000', { default: dflt === '' ? '100000' : dflt }),
  flag.num('commission', '<fraction>', 'commission as a fraction of traded value per fill', { min: 0, max: 1, maxExclusive: true }, '0.001', { default: dflt === '' ? '0' : dflt }),
  flag.num('slippage-bps', '<bps>', 'fixed adverse slippage on market fills, basis points', { min: 0, max: 10_000 }, '5', { default: dflt === '' ? '0' : dflt }),
  flag.num('leverage', '<x>', 'max gross exposure / equity of the margin account', { min: 1, max: 100 }, '2', { default: dflt === '' ? '2' : dflt }),
];

const RL_COMMANDS: readonly CommandDef[] = [
  {
    path: ['rl', 'train'],
    summary: 'train a PPO policy on the trading env over history and write it as a policy file (for `--strategy rl-agent --param policy=<file>`); or solve CartPole',
    flags: [
      flag.choice('env', ['trading', 'cartpole'], 'the trading env over --data, or CartPole-v1 (the check that PPO works: prints whether it was solved)', { default: 'trading' }),
      ...RL_DATA_FLAGS,
      flag.choice('reward', ['pnl', 'dsr', 'drawdown', 'cost-aware'], 'profit and loss after costs; differential Sharpe ratio; PnL less drawdown increases; PnL less a turnover penalty', { default: 'pnl' }),
      flag.choice('action', ['discrete', 'continuous'], 'flat/long/short, or a target weight in [-1, 1]', { default: 'discrete' }),
      flag.num('steps', '<n>', 'environment steps to train for (whole rollouts of every env)', count(1e9), '50000', { default: '50000 (cartpole: 300000, stops once solved)' }),
      ...RL_STEPS_FLAGS,
      flag.num('seed', '<n>', 'seed of the weights, the actions sampled, the minibatches and the episodes', SEED_RANGE, '1', { default: '1' }),
      flag.num('episode-bars', '<n>', 'decisions per training episode (episodes start at random bars)', { min: 2, max: 1_000_000, integer: true }, '256', { default: '256' }),
      flag.num('window', '<n>', 'log returns in the observation (beside the position weight and unrealized PnL)', { min: 1, max: 1000, integer: true }, '16', { default: '16' }),
      ...RL_COST_FLAGS(''),
      flag.output('out', 'write the policy file here (required for the trading env)', { arg: '<policy.json>', sample: 'policy.json' }),
      JSON_FLAG,
      flag.output('report', 'write an HTML report with the learning curve to <file>', { arg: '<file.html>', sample: 'report.html' }),
      QUIET_FLAG,
    ],
    examples: ['sextant rl train --data csv:prices.csv --reward dsr --steps 10000 --commission 0.001 --out policy.json', 'sextant rl train --env cartpole --steps 20000 --json -'],
  },
  {
    path: ['rl', 'evaluate'],
    summary: "walk-forward out of sample: retrain the policy file's recipe on each window, trade the next through rl-agent with costs; Sharpe, deflated Sharpe, PBO vs buy-and-hold and the classic strategies",
    flags: [
      flag.input('policy', 'a policy file written by `sextant rl train` (its reward, actions, observation, episode length, costs and steps are the recipe)', { required: true }),
      ...RL_DATA_FLAGS,
      flag.num('train-bars', '<n>', 'bars each policy trains on', count(10_000_000), '1000', { default: '1000, or half the bars when fewer' }),
      flag.num('test-bars', '<n>', 'bars between retrainings (each policy trades the next n bars)', count(10_000_000), '250', { default: '250' }),
      flag.bool('expanding', 'train each policy on every bar before its test block instead of the last --train-bars'),
      flag.num('steps', '<n>', 'environment steps per training', count(1e9), '50000', { default: "the policy file's" }),
      ...RL_STEPS_FLAGS,
      flag.str('seeds', '<s,s,...>', 'seeds of the trials (each a whole walk-forward; the first is reported)', '1,2,3', { default: "the file's seed and the next two" }),
      flag.str('rewards', '<r,r,...>', 'rewards of the trials: pnl, dsr, drawdown, cost-aware', 'pnl,dsr', { default: "the file's" }),
      flag.str('compare', '<names>', 'strategies to compare with on the same bars (comma-separated, default params)', 'buy-and-hold,sma-cross', { default: 'buy-and-hold and six classic strategies' }),
      ...RL_COST_FLAGS("the policy file's"),
      JSON_FLAG,
      flag.output('report', 'write an HTML report to <file>', { arg: '<file.html>', sample: 'report.html' }),
      QUIET_FLAG,
    ],
    examples: ['sextant rl evaluate --policy policy.json --data csv:prices.csv --steps 2000 --seeds 1,2 --json rl-eval.json --report rl-eval.html'],
  },
];

export const COMMANDS: readonly CommandDef[] = [
  {
    path: ['backtest'],
    summary: 'backtest a strategy on history (a stable contract for scripts: docs/cli.md)',
    flags: [
      ...RUN_FLAGS,
      flag.output('json', 'write the result as JSON to <file> (schema: docs/backtest-json.md); "-" prints it on stdout instead of the summary', { stdout: true, sample: '-' }),
      flag.output('report', 'write an HTML tearsheet to <file>', { arg: '<file.html>', sample: 'report.html' }),
      flag.choice('report-scale', ['auto', 'linear', 'log'], "the tearsheet's equity and price charts: log or linear value axis; auto is log when a chart's values span more than 10x", { default: 'auto' }),
      QUIET_FLAG,
      RISK_FILE_FLAG,
      flag.bool('save', 'store the run in the warehouse (query it with `sextant sql`)'),
      STRATEGY_TIMEOUT_FLAG,
    ],
    examples: ['sextant backtest --strategy sma-cross --data csv:prices.csv --param fast=10 --param slow=30 --commission 0.001 --json out.json'],
  },
  {
    path: ['paper'],
    summary: 'paper trading on the live synthetic market or a replay (docs/paper.md)',
    flags: [
      flag.str('strategy', '<name[:allocation]>', 'a strategy and optionally its cash allocation; repeat for several', 'sma-cross', { repeat: true, default: 'the strategies stored with --run' }),
      PARAM_FLAG,
      flag.str('symbols', '<A,B|n>', 'symbols of the live synthetic market (names or a count)', 'AAPL,MSFT', { repeat: true }),
      flag.str('replay', '<source>', 'replay a history source instead of the live market: csv:<path>, synthetic:<seed>', 'synthetic:1'),
      flag.num('speed', '<x>', 'replay speed: bars per second of history time per second, or max', { min: 1, max: 1e9, word: 'max' }, 'max', { default: '1' }),
      flag.str('run', '<id>', 'the run id (resumes a stored run of that id)', 'demo', { default: 'paper (live) or a new id (replay)' }),
      flag.num('cash', '<n>', 'starting cash', { min: 0, minExclusive: true, max: 1e15 }, '100000', { default: '100000' }),
      flag.num('commission', '<fraction>', 'commission as a fraction of traded value per fill', { min: 0, max: 1, maxExclusive: true }, '0.001', { default: '0' }),
      flag.str('size', '<sizer>', 'default order size: pct-cash:<p>, qty:<n> or pct-equity:<p>', 'pct-cash:95', { default: 'pct-cash:95' }),
      flag.num('bar-ms', '<ms>', 'bar length of the live market in milliseconds', { min: 1, max: 86_400_000, integer: true }, '1000', { default: '1000' }),
      flag.num('tick-ms', '<ms>', 'tick interval of the live market in milliseconds', { min: 1, max: 86_400_000, integer: true }, '100', { default: '100' }),
      flag.num('seed', '<n>', 'seed of the live synthetic market', SEED_RANGE, '42', { default: '42' }),
      flag.num('duration', '<seconds>', 'stop after this many seconds of wall time', { min: 0, minExclusive: true, max: TEN_YEARS_S }, '60', { default: 'until Ctrl-C or the replay ends' }),
      STATE_DIR_FLAG,
      DURABILITY_FLAG,
      flag.bool('always-open', 'trade equities around the clock (demos)'),
      flag.bool('halt-on-strategy-error', 'halt all trading (kill switch, no flatten) when any strategy fails'),
      flag.num('max-heap-mb', '<MB>', 'stop the run cleanly when its heap passes this many MB', { min: 16, max: 1e6, integer: true }, '2048', { default: "85% of node's old-space limit" }),
      STRATEGY_TIMEOUT_FLAG,
      QUIET_FLAG,
      RISK_FILE_FLAG,
      ...INSTRUMENT_FLAGS,
      FEED_FLAG,
      WARMUP_FLAG,
      flag.bool('testnet', "the feed venue's test network"),
      ...VENUE_URL_FLAGS,
      ...IB_LINK_FLAGS,
    ],
    examples: [
      'sextant paper --strategy rsi --replay csv:prices.csv --speed max', 'sextant paper --run two --strategy sma-cross --strategy rsi:25000 --duration 60',
      'sextant paper --feed <venue> --symbols BTC/USDT,ETH/USDT --timeframe 1m --strategy sma-cross',
    ],
  },
  {
    path: ['live'],
    summary: 'live trading on a real venue: Alpaca, Binance or any ccxt exchange, Interactive Brokers (docs/live.md)',
    flags: [
      flag.str('venue', '<venue>', 'the broker: alpaca, binance, ccxt:<exchangeId>, ib', 'binance', { required: true }),
      flag.str('strategy', '<name[:allocation]>', 'a strategy and optionally its cash allocation; repeat for several', 'sma-cross', { repeat: true, default: 'the strategies stored with --run' }),
      PARAM_FLAG,
      flag.str('symbols', '<A,B>', "the venue's symbols (BTC/USDT on ccxt exchanges; AAPL or BTC/USD on Alpaca)", 'BTC/USDT', { repeat: true }),
      flag.str('timeframe', '<tf>', 'bar length of the venue feed: 1m, 5m, 1h, 1d', '1m', { default: '1m' }),
      WARMUP_FLAG,
      flag.bool('paper', "Alpaca's paper account"),
      flag.bool('testnet', "the exchange's test network (ccxt sandbox mode)"),
      ...VENUE_URL_FLAGS,
      flag.str('feed', '<venue>', 'take market data from another venue than the broker', 'binance', { default: 'the broker' }),
      flag.str('run', '<id>', 'the run id (resumes a stored run of that id)', 'bot1', { default: 'live-<venue>' }),
      flag.num('cash', '<n>', "cash the run may use, at most the account's free balance", { min: 0, minExclusive: true, max: 1e15 }, '1000', { default: "the account's free balance in the symbols' quote currency" }),
      flag.str('size', '<sizer>', 'default order size: pct-cash:<p>, qty:<n> or pct-equity:<p>', 'qty:0.001', { default: 'pct-cash:95' }),
      flag.num('position-check', '<seconds>', "compare positions with the venue's this often while running (0: never)", { min: 0, max: 86_400 }, '30', { default: '30' }),
      ...IB_LINK_FLAGS,
      flag.str('ib-account', '<id>', 'the IB account orders go to', 'DU1234567'),
      flag.num('duration', '<seconds>', 'stop after this many seconds of wall time', { min: 0, minExclusive: true, max: TEN_YEARS_S }, '3600', { default: 'until Ctrl-C' }),
      STATE_DIR_FLAG,
      DURABILITY_FLAG,
      flag.bool('halt-on-strategy-error', 'halt all trading (kill switch, no flatten) when any strategy fails'),
      flag.num('max-heap-mb', '<MB>', 'stop the run cleanly when its heap passes this many MB', { min: 16, max: 1e6, integer: true }, '2048', { default: "85% of node's old-space limit" }),
      STRATEGY_TIMEOUT_FLAG,
      QUIET_FLAG,
      RISK_FILE_FLAG,
    ],
    examples: [
      'BINANCE_API_KEY=... BINANCE_API_SECRET=... sextant live --venue binance --testnet --symbols BTC/USDT --strategy sma-cross --size qty:0.001',
      'APCA_API_KEY_ID=... APCA_API_SECRET_KEY=... sextant live --venue alpaca --paper --symbols AAPL --strategy rsi',
    ],
  },
  {
    path: ['compare'],
    summary: 'how a paper or live run tracked a backtest of the same period: paired fills, slippage, PnL drift (docs/live.md)',
    flags: [
      flag.str('run', '<id>', 'the paper or live run', 'paper-binance', { required: true }),
      flag.input('backtest', 'a file written by `sextant backtest --json` over the same period', { required: true }),
      flag.num('tolerance', '<seconds>', 'how far apart two fills may be and still be the same trade', { min: 0, max: 31_536_000 }, '3600', { default: '3600' }),
      JSON_FLAG,
      STATE_DIR_FLAG,
    ],
    examples: ['sextant compare --run <paper-or-live-run> --backtest bt.json --tolerance 120'],
  },
  {
    path: ['serve'],
    summary: 'run the API server (REST + WebSocket, docs at /api/docs) with its bots; the first start creates an admin user and prints its password once',
    flags: [
      flag.str('host', '<address>', 'the address to listen on (anything but loopback without TLS gets a warning)', '127.0.0.1', { default: '127.0.0.1' }),
      flag.num('port', '<port>', 'the port to listen on (0: any free port)', { min: 0, max: 65_535, integer: true }, '8080', { default: '8080' }),
      flag.bool('demo', 'on a server with no bot yet, create and start the paper bot "demo" on the live synthetic market (npm start)'),
      flag.str('cors-origin', '<origin>', 'a browser origin allowed to call the API with credentials (exact, e.g. https://dash.example.com); repeat for several', 'http://localhost:5173', { repeat: true, default: 'none' }),
      flag.num('rate-limit', '<per-minute>', 'requests per minute per token (or per address without one)', { min: 1, max: 10_000_000, integer: true }, '6000', { default: '6000' }),
      flag.input('tls-cert', 'serve HTTPS with this PEM certificate (with --tls-key)'),
      flag.input('tls-key', 'the PEM private key of --tls-cert'),
      flag.str('audit-checkpoints', '<file>', "append the audit chain's head to this JSON-lines file (keep it on another disk): verify then sees a rewritten or cut trail", '/mnt/offsite/sextant-audit.jsonl', { default: 'said in the output only' }),
      flag.num('audit-checkpoint-minutes', '<minutes>', 'how often an audit checkpoint is taken (when the chain grew), and at shutdown', { min: 1, max: 10_080, integer: true }, '60', { default: '60' }),
      flag.num('mcp-port', '<port>', 'also serve the MCP endpoint for AI assistants (streamable HTTP, plain HTTP on --host) on this port (docs/mcp.md)', { min: 0, max: 65_535, integer: true }, '8765', { default: 'none' }),
      STATE_DIR_FLAG,
    ],
    examples: ['sextant serve', 'sextant serve --port 9000 --demo', 'sextant serve --audit-checkpoints sextant-audit.jsonl --audit-checkpoint-minutes 15'],
    notes: [
      'The store is the embedded one in --state-dir, or DATABASE_URL when set. Broker keys stored through the API are encrypted with SEXTANT_MASTER_KEY or the key file master.key in --state-dir (docs/security.md).',
      'SIGINT/SIGTERM stop the server: bots stop gracefully and are started again with the next `sextant serve`.',
    ],
  },
  {
    path: ['mcp'],
    summary: 'the MCP server for AI assistants (stdio, or streamable HTTP with --http): strategies, backtest jobs, bots; trading tools with a trade-scope token (docs/mcp.md)',
    flags: [
      flag.bool('http', 'serve streamable HTTP (each request: Authorization: Bearer <token>) instead of stdio'),
      flag.str('server', '<url>', 'stdio for a client, passed on to the MCP endpoint of a running server (sextant serve --mcp-port, or sextant mcp --http) with SEXTANT_TOKEN; opens no store', 'http://127.0.0.1:8765/mcp'),
      flag.str('host', '<address>', 'with --http: the address to listen on', '127.0.0.1', { default: '127.0.0.1' }),
      flag.num('port', '<port>', 'with --http: the port to listen on (0: any free port)', { min: 0, max: 65_535, integer: true }, '8765', { default: '8765' }),
      STATE_DIR_FLAG,
    ],
    examples: ['SEXTANT_TOKEN=<token> sextant mcp --state-dir <dir>', 'SEXTANT_TOKEN=<token> sextant mcp --server http://127.0.0.1:8765/mcp', 'sextant mcp --http --port <port>'],
    notes: [
      'stdio: the session acts as the API token in SEXTANT_TOKEN (sextant token create); its scope decides the tools (read: research and reads; trade: also jobs and bot controls). stdout carries the protocol only; messages go to stderr.',
      'Without --server the store is opened as `sextant serve` opens it, and its bots run in this process: on the embedded store, one process per state folder. Beside a running `sextant serve --mcp-port 8765`, use --server http://127.0.0.1:8765/mcp instead.',
    ],
  },
  {
    path: ['status'],
    summary: 'stored state of a paper run: positions, open orders, counts, equity',
    flags: [flag.str('run', '<id>', 'the run to show', 'paper', { default: 'the latest' }), JSON_FLAG, STATE_DIR_FLAG],
    examples: ['sextant status --json -'],
  },
  {
    path: ['kill'],
    summary: 'kill switch of a running paper or live node: halt, cancel all, optionally flatten; prints what the node did',
    flags: [
      flag.bool('flatten', 'also close every position'),
      flag.bool('resume', 'resume trading after a kill'),
      flag.str('run', '<id>', 'the run whose node to reach', 'paper', { default: 'the node of --state-dir (Postgres: the one running node)' }),
      STATE_DIR_FLAG,
    ],
    examples: ['sextant kill --flatten', 'sextant kill --resume --run bot1'],
  },
  {
    path: ['monitor'],
    summary: 'terminal monitor of a bot on a running server: equity sparkline, positions, orders, fills, breakers, log; keys to pause, resume, cancel, kill (docs/monitor.md)',
    flags: [
      flag.str('server', '<url>', 'the running `sextant serve` to read (its REST API, with the token in SEXTANT_TOKEN)', 'http://127.0.0.1:8080', { required: true }),
      flag.str('bot', '<id>', 'the bot to watch', 'b1', { default: 'the first running bot' }),
      flag.input('token-file', 'read the API token from this file instead of SEXTANT_TOKEN'),
      flag.num('interval', '<seconds>', 'seconds between refreshes', { min: 0.2, max: 60 }, '1', { default: '1' }),
    ],
    examples: ['SEXTANT_TOKEN=<token> sextant monitor --server http://127.0.0.1:8080 --bot b1'],
    notes: ['Keys: p pause, r resume, ↑/↓ select an open order, c cancel it, k kill (y/n), F kill and flatten (y/n), q quit. A read-scope token shows; the actions need trade scope. Fits 80x24 and redraws on resize.'],
  },
  {
    path: ['backup'],
    summary: 'a verified snapshot of the store (PGlite: while no process uses it; Postgres: while trading)',
    flags: [
      flag.str('out', '<file|dir>', 'the backup file to create, or a folder (existing, or ending in /) to create sextant-<time>.backup in', 'backups/', { required: true }),
      STATE_DIR_FLAG,
    ],
    examples: ['sextant backup --out backups/', 'sextant backup --out nightly.backup'],
  },
  {
    path: ['restore'],
    summary: 'restore the store from a backup (verified first; --force replaces an existing store)',
    flags: [
      flag.input('from', 'the backup file (written by sextant backup)', { required: true }),
      flag.bool('force', 'replace an existing (or damaged) store; a PGlite folder is kept beside it'),
      STATE_DIR_FLAG,
    ],
    examples: ['sextant restore --from nightly.backup --state-dir restored'],
  },
  {
    path: ['data', 'import'],
    summary: 'import bars into the warehouse (docs/warehouse.md)',
    args: [{ name: 'source', required: true, description: 'csv:<path> or synthetic[:seed]', sample: 'synthetic:1' }],
    flags: [
      flag.str('symbol', '<name>', 'the symbol to store a one-symbol source as', 'ACME', { default: "the file's name" }),
      SKIP_BAD_ROWS_FLAG,
      flag.bool('replace', 'replace the stored bars of the symbol instead of merging'),
      WAREHOUSE_FLAG,
    ],
    examples: ['sextant data import csv:prices.csv --symbol ACME'],
  },
  {
    path: ['data', 'download'],
    summary: "download a venue's bar history into the warehouse: incremental and resumable (docs/venues/market-data.md)",
    flags: [
      flag.str('venue', '<venue>', 'binance, ccxt:<exchange id> (any ccxt exchange), yahoo, alpaca or ib', 'binance', { required: true }),
      flag.str('symbol', '<symbol>', "the venue's symbol (BTC/USDT, or its id BTCUSDT)", 'BTC/USDT', { required: true }),
      flag.choice('timeframe', ['1m', '1h', '1d'], 'bar length', { default: '1d' }),
      flag.date('from', 'first bar to fetch (UTC day or ISO time)', { required: true }),
      flag.date('to', 'last bar to fetch (a day: up to its end)', { default: 'now' }),
      flag.str('as', '<name>', 'store under this symbol', 'BTCUSDT-1H', { default: 'the symbol' }),
      flag.str('base-url', '<url>', "a compatible server instead of the venue's (REST origin)", 'http://127.0.0.1:8080'),
      ...IB_LINK_FLAGS,
      WAREHOUSE_FLAG,
      JSON_FLAG,
      QUIET_FLAG,
    ],
    examples: ['sextant data download --venue binance --symbol BTC/USDT --timeframe 1h --from 2024-01-01 --to <date>'],
  },
  {
    path: ['data', 'list'],
    summary: 'list the symbols stored in the warehouse',
    flags: [JSON_FLAG, WAREHOUSE_FLAG],
    examples: ['sextant data list'],
  },
  {
    path: ['sql'],
    summary: 'SQL over the warehouse: bars, runs, trades, fills, equity (DuckDB)',
    args: [{ name: 'query', required: false, variadic: true, description: 'the query (or --file)', sample: 'select 1' }],
    flags: [
      JSON_FLAG,
      flag.output('csv', 'write every row as CSV to <file>', { sample: 'out.csv' }),
      flag.input('file', 'read the query from <file>'),
      flag.num('max-rows', '<n>', 'rows shown in the terminal', { min: 0, max: 1e9, integer: true }, '10', { default: '100' }),
      WAREHOUSE_FLAG,
      QUIET_FLAG,
    ],
    examples: ['sextant sql "select symbol, count(*) from bars group by symbol"'],
  },
  {
    path: ['risk'],
    summary: 'VaR/CVaR, stress and limit usage of a saved backtest run (docs/risk-report.md)',
    flags: [
      runJsonFlag(''),
      JSON_FLAG,
      flag.num('confidence', '<p>', 'VaR confidence level', { min: 0, max: 1, minExclusive: true, maxExclusive: true }, '0.99', { default: '0.99' }),
      flag.num('horizon', '<bars>', 'VaR horizon in bars', count(10_000), '1', { default: '1' }),
    ],
    examples: ['sextant risk --run out.json --confidence 0.99'],
  },
  {
    path: ['tax'],
    summary: 'tax lots of a backtest run: realized short/long-term gains, wash sales, open lots, loss harvesting',
    flags: [
      runJsonFlag(''),
      flag.choice('method', ['fifo', 'lifo', 'hifo', 'specific'], 'lot relief method', { default: 'fifo' }),
      flag.str('select', '<fill>=<lot>[@qty],...', 'lots a sale relieves (method specific); repeat for several', '2=A#1', { repeat: true }),
      flag.input('marks', 'a backtest --json file whose last closes mark the open lots', { default: 'the run itself' }),
      flag.date('as-of', 'the date of the harvesting view', { default: 'the last bar' }),
      flag.num('short-rate', '<fraction>', 'short-term tax rate', { min: 0, max: 1 }, '0.37', { default: '0.37' }),
      flag.num('long-rate', '<fraction>', 'long-term tax rate', { min: 0, max: 1 }, '0.2', { default: '0.2' }),
      flag.num('min-loss', '<amount>', 'smallest loss worth harvesting', { min: 0, max: 1e15 }, '100', { default: '0' }),
      flag.bool('no-wash-sales', 'ignore the wash-sale rule'),
      JSON_FLAG,
    ],
    examples: ['sextant tax --run out.json --method hifo --json tax.json'],
  },
  {
    path: ['optimize'],
    summary: 'grid, random or TPE search over params with deflated Sharpe and PBO (docs/research.md)',
    flags: [
      ...RESEARCH_FLAGS,
      flag.num('pbo-blocks', '<n>', 'CSCV blocks of the overfitting probability (even)', { min: 2, max: 64, integer: true }, '8', { default: 'chosen from the data' }),
      flag.num('top', '<n>', 'rows of the best-trials table', { min: 0, max: 1_000_000, integer: true }, '5', { default: '10' }),
    ],
    examples: ["sextant optimize --strategy sma-cross --data csv:prices.csv --space 'fast=5:50:5,slow=20:200:10' --constraint 'fast<slow'"],
  },
  {
    path: ['walkforward'],
    summary: 'rolling or anchored walk-forward: re-optimize per fold, stitched out-of-sample results',
    flags: [
      ...RESEARCH_FLAGS,
      flag.num('folds', '<n>', 'number of folds', count(1000), '5', { default: '5' }),
      flag.num('train', '<fraction>', 'training share of each fold', { min: 0, max: 1, minExclusive: true, maxExclusive: true }, '0.75', { default: '0.75' }),
      flag.bool('anchored', 'training windows all start at the first bar'),
    ],
    examples: ["sextant walkforward --strategy sma-cross --data csv:prices.csv --space 'fast=5:50:5,slow=20:200:10' --folds 5"],
  },
  ...ML_COMMANDS,
  ...RL_COMMANDS,
  {
    path: ['worker'],
    summary: 'serve distributed optimize/walkforward jobs and ml fits from a BullMQ queue',
    flags: [
      flag.str('queue', '<redis-url>', 'the Redis of the queue', 'redis://127.0.0.1:6379', { required: true }),
      flag.str('queue-name', '<name>', 'the queue name', 'sextant-research', { default: 'sextant-research' }),
      flag.num('concurrency', '<n>', 'jobs served at once', count(1024), '1', { default: '1' }),
      flag.num('threads', '<n>', 'threads of the fast kernel (0 = in-process)', { min: 0, max: 256, integer: true }, '0', { default: "the machine's cores" }),
      flag.num('lock-ms', '<ms>', 'job lock duration in milliseconds', { min: 1000, max: 86_400_000, integer: true }, '30000', { default: '30000' }),
    ],
    examples: ['sextant worker --queue redis://127.0.0.1:6379'],
  },
  {
    path: ['montecarlo'],
    summary: 'Monte Carlo of a backtest --json run: bands for final equity, drawdown, Sharpe; ruin probability',
    flags: [
      runJsonFlag(''),
      flag.choice('method', ['trades', 'shuffle', 'returns'], 'bootstrap trades, shuffle their order, or block-bootstrap bar returns', { default: 'trades' }),
      flag.num('paths', '<n>', 'simulated paths', count(10_000_000), '1000', { default: '10000' }),
      flag.num('block', '<bars>', 'mean block length (returns)', { min: 1, max: 1e6 }, '20', { default: '20' }),
      flag.choice('block-kind', ['stationary', 'fixed'], 'block bootstrap kind (returns)', { default: 'stationary' }),
      flag.choice('trade-unit', ['return', 'pnl'], 'resample trade returns or cash PnL', { default: 'return' }),
      flag.num('seed', '<n>', 'random seed', SEED_RANGE, '1', { default: '1' }),
      flag.num('ruin', '<fraction>', 'ruin level as a fraction of the starting equity', { min: 0, max: 1, maxExclusive: true }, '0.5', { default: '0.5' }),
      flag.str('percentiles', '<p,p,...>', 'percentiles of the bands, in (0, 100)', '5,50,95', { default: '5,50,95' }),
      JSON_FLAG,
    ],
    examples: ['sextant montecarlo --run out.json --paths 10000 --method returns'],
  },
  {
    path: ['stress'],
    summary: 'the strategy through the worst windows of its data and injected shocks, vs the baseline',
    flags: [
      ...RUN_FLAGS,
      JSON_FLAG,
      flag.str('window', '<from:to>', 'a crisis window YYYY-MM-DD:YYYY-MM-DD; repeat for several', '2020-02-01:2020-04-30', { repeat: true }),
      flag.num('windows', '<n>', 'worst-drawdown windows found automatically', { min: 0, max: 100, integer: true }, '3', { default: '3' }),
      flag.num('gap', '<fraction>', 'gap-down shock size', { min: 0, max: 1, minExclusive: true, maxExclusive: true }, '0.1', { default: '0.1' }),
      flag.num('vol-k', '<k>', 'volatility spike multiplier', { min: 0, max: 1000, minExclusive: true }, '3', { default: '3' }),
      flag.num('drought-volume', '<fraction>', 'volume factor of the liquidity drought', { min: 0, max: 1, maxExclusive: true }, '0.05', { default: '0.05' }),
      flag.bool('no-gap', 'no gap-down shock'),
      flag.bool('no-vol-k', 'no volatility spike'),
      flag.bool('no-drought-volume', 'no liquidity drought'),
      flag.num('participation', '<fraction>', 'max share of a bar volume filled', { min: 0, max: 1, minExclusive: true }, '0.1', { default: '0.1' }),
      flag.num('shock-bars', '<n>', 'bars a shock lasts', count(1_000_000), '20', { default: '20' }),
      flag.date('shock-at', 'when the shocks start', { default: 'after the strongest run-up' }),
    ],
    examples: ['sextant stress --strategy sma-cross --data csv:prices.csv --window 2020-02-15:2020-04-15'],
  },
  {
    path: ['lookahead'],
    summary: 'look-ahead check: re-run on data cut right after signal bars',
    flags: [...RUN_FLAGS, JSON_FLAG, flag.num('samples', '<n>', 'signal bars to cut after', count(1_000_000), '20', { default: '20' })],
    examples: ['sextant lookahead --strategy my-strategy.ts --data csv:prices.csv'],
  },
  {
    path: ['recursive'],
    summary: 'start-point check: signals under different warm-up lengths',
    flags: [...RUN_FLAGS, JSON_FLAG, flag.str('startups', '<n,n,...>', 'warm-up lengths in bars', '50,100,200', { default: 'chosen from the data' })],
    examples: ['sextant recursive --strategy rsi --data csv:prices.csv --startups 50,100,200'],
  },
  {
    path: ['strategies'],
    summary: 'list strategies with their params and defaults',
    flags: [JSON_FLAG],
    examples: ['sextant strategies'],
  },
  {
    path: ['indicator'],
    summary: 'an indicator over a data source, values aligned with the bars (--list lists them)',
    args: [{ name: 'name', required: false, description: 'the indicator (see --list)', sample: 'sma' }],
    flags: [
      flag.str('data', '<source>', 'bars: synthetic[:seed], csv:<path> or store:<symbol>', 'synthetic', { default: 'synthetic' }),
      PARAM_FLAG,
      flag.str('other', '<source>', 'a second series for two-series indicators', 'synthetic:2'),
      JSON_FLAG,
      flag.bool('list', 'list the indicators'),
      SKIP_BAD_ROWS_FLAG,
    ],
    examples: ['sextant indicator sma --data csv:prices.csv --param period=20 --json sma.json'],
  },
  {
    path: ['coint'],
    summary: 'ADF of each log-price series and the Engle-Granger test of the pair',
    flags: [{ ...DATA_FLAG, description: 'one series; give exactly two', default: undefined }, JSON_FLAG, SKIP_BAD_ROWS_FLAG],
    examples: ['sextant coint --data csv:a.csv --data csv:b.csv'],
  },
  {
    path: ['option'],
    summary: 'Black-Scholes-Merton price, Greeks and implied volatility',
    flags: [
      flag.choice('type', ['call', 'put'], 'option type', { required: true }),
      flag.num('spot', '<S>', 'price of the underlying', { min: 0, minExclusive: true, max: 1e15 }, '42', { required: true }),
      flag.num('strike', '<K>', 'strike price', { min: 0, minExclusive: true, max: 1e15 }, '40', { required: true }),
      flag.num('days', '<d>', 'calendar days to expiry', { min: 0, max: 36_525 }, '182.5', { required: true }),
      flag.num('rate', '<r>', 'continuously compounded risk-free rate (0.05 = 5%)', { min: -1, max: 1 }, '0.1', { default: '0' }),
      flag.num('vol', '<sigma>', 'annual volatility (0.2 = 20%)', { min: 0, max: 100, minExclusive: true }, '0.2'),
      flag.num('div', '<q>', 'continuous dividend yield', { min: -1, max: 1 }, '0', { default: '0' }),
      flag.num('price', '<P>', 'a market price: solve for the implied volatility', { min: 0, minExclusive: true, max: 1e15 }, '4.76'),
      JSON_FLAG,
    ],
    examples: ['sextant option --type call --spot 42 --strike 40 --days 182.5 --rate 0.1 --vol 0.2'],
  },
  {
    path: ['demo'],
    summary: 'the built-in strategies on the synthetic market, as a comparison table',
    flags: [flag.num('seed', '<n>', 'seed of the synthetic market', SEED_RANGE, '42', { default: '42' })],
    examples: ['sextant demo --seed 7'],
  },
  {
    path: ['user', 'add'],
    summary: 'add a user of the API server; prints a generated password once unless --password-stdin gives one',
    args: [{ name: 'username', required: true, description: 'a lower-case letter, then 2 to 31 lower-case letters, digits, "_", "." or "-"', sample: 'alice' }],
    flags: [
      flag.choice('role', ['read', 'trade', 'admin'], 'what the user may do: read < trade < admin', { default: 'read' }),
      flag.bool('password-stdin', 'read the password (12 characters or more) from the first line of stdin'),
      JSON_FLAG,
      STATE_DIR_FLAG,
    ],
    examples: ['sextant user add alice --role trade', "printf '%s\\n' \"$PW\" | sextant user add bob --password-stdin"],
    notes: ['The store is the one of --state-dir, or DATABASE_URL when set (as for status and backup).'],
  },
  {
    path: ['user', 'passwd'],
    summary: "set a user's password; prints a generated one once unless --password-stdin gives one",
    args: [{ name: 'username', required: true, description: 'an existing user', sample: 'alice' }],
    flags: [flag.bool('password-stdin', 'read the new password (12 characters or more) from the first line of stdin'), STATE_DIR_FLAG],
    examples: ['sextant user passwd alice'],
  },
  {
    path: ['user', 'list'],
    summary: 'list the users and their roles (never their password hashes)',
    flags: [JSON_FLAG, STATE_DIR_FLAG],
    examples: ['sextant user list --json -'],
  },
  {
    path: ['user', 'remove'],
    summary: 'remove a user and end their sessions',
    args: [{ name: 'username', required: true, description: 'an existing user', sample: 'alice' }],
    flags: [STATE_DIR_FLAG],
    examples: ['sextant user remove alice'],
  },
  {
    path: ['token', 'create'],
    summary: 'create an API token and print it once (only its hash is stored)',
    flags: [
      flag.str('name', '<name>', 'what the token is for', 'ci-reports', { required: true }),
      flag.choice('scope', ['read', 'trade', 'admin'], 'what the token may do: read < trade < admin', { required: true }),
      flag.str('user', '<username>', "the user it acts for: it never does more than that user's role, and dies with the user", 'alice'),
      flag.num('ttl-days', '<days>', 'expire after this many days', { min: 0, minExclusive: true, max: 3650 }, '90', { default: 'never' }),
      JSON_FLAG,
      STATE_DIR_FLAG,
    ],
    examples: ['sextant token create --name ci-reports --scope read --ttl-days 90'],
  },
  {
    path: ['token', 'list'],
    summary: 'list the API tokens: scope, user, expiry, last use, revoked (never the tokens themselves)',
    flags: [JSON_FLAG, STATE_DIR_FLAG],
    examples: ['sextant token list'],
  },
  {
    path: ['token', 'revoke'],
    summary: 'revoke an API token at once',
    args: [{ name: 'id', required: true, description: 'the token id (sextant token list)', sample: '0123456789abcdef' }],
    flags: [STATE_DIR_FLAG],
    examples: ['sextant token revoke <id>'],
  },
  {
    path: ['report', 'blotter'],
    summary: 'trade blotter of a run: every purchase and sale per business day, with totals (CSV, JSON)',
    flags: [
      flag.str('run', '<id>', 'the paper or live run', 'paper', { required: true }),
      flag.date('date', 'only this business day (YYYY-MM-DD)', { default: 'every day of the run' }),
      flag.str('tz', '<zone>', 'time zone of the business day (IANA name)', 'America/New_York', { default: 'UTC' }),
      flag.input('reference', 'instrument reference file (CSV or JSON) that names the securities (docs/compliance.md)'),
      flag.output('csv', 'write the blotter as CSV to <file>; "-" prints it on stdout instead of the summary', { stdout: true, sample: '-' }),
      JSON_FLAG,
      STATE_DIR_FLAG,
    ],
    examples: ['sextant report blotter --run paper --date 2024-12-31 --csv blotter.csv'],
  },
  {
    path: ['report', '13f'],
    summary: "SEC Form 13F information table (XML) of runs' long positions at a quarter end, valued at that day's closes",
    flags: [
      flag.str('run', '<id>', 'a run whose positions count; repeat for several', 'paper', { required: true, repeat: true }),
      flag.str('quarter', '<YYYYQn>', 'the quarter: positions and prices at the end of its last day', '2024Q4'),
      flag.date('date', 'the period end instead of --quarter (YYYY-MM-DD)'),
      flag.input('reference', 'instrument reference file (CSV or JSON): issuer names, classes, CUSIPs (docs/compliance.md)', { required: true }),
      { ...DATA_FLAG, description: 'bars that price the positions: csv:<path> or store:<symbol>; repeat for several symbols', default: "the runs' replay sources" },
      flag.output('out', 'write the information table XML to <file>; "-" prints it on stdout instead of the summary', { arg: '<file.xml>', stdout: true, sample: '-' }),
      JSON_FLAG,
      STATE_DIR_FLAG,
    ],
    examples: ['sextant report 13f --run paper --quarter 2024Q4 --data csv:prices.csv --reference instruments.csv --out infotable.xml'],
  },
  {
    path: ['report', 'tca'],
    summary: 'best execution per order: arrival price, average fill, implementation shortfall, slippage vs the period VWAP, venue, fees',
    flags: [
      flag.str('run', '<id>', 'the paper or live run', 'paper', { required: true }),
      { ...DATA_FLAG, description: 'bars for arrival prices and VWAPs: csv:<path> or store:<symbol>; repeat for several symbols', default: "the run's replay source, else none" },
      flag.output('csv', 'write one row per order as CSV to <file>; "-" prints it on stdout instead of the summary', { stdout: true, sample: '-' }),
      JSON_FLAG,
      STATE_DIR_FLAG,
    ],
    examples: ['sextant report tca --run paper --data csv:prices.csv --csv tca.csv'],
  },
  {
    path: ['report', 'compliance'],
    summary: "daily compliance report of a run: every pre-trade violation (denied order) and near miss, totals per rule's code",
    flags: [
      flag.str('run', '<id>', 'the paper or live run', 'paper', { required: true }),
      flag.date('date', 'the business day (YYYY-MM-DD)', { default: "the day of the run's last violation or near miss" }),
      flag.str('tz', '<zone>', 'time zone of the business day (IANA name)', 'America/New_York', { default: 'UTC' }),
      flag.output('csv', 'write every violation and near miss as CSV to <file>; "-" prints it on stdout instead of the summary', { stdout: true, sample: '-' }),
      JSON_FLAG,
      STATE_DIR_FLAG,
    ],
    examples: ['sextant report compliance --run paper --date 2024-12-31 --csv compliance.csv'],
  },
  {
    path: ['audit', 'verify'],
    summary: 'walk the audit hash chain and report the first entry edited, deleted, inserted or moved (exit 5)',
    flags: [
      flag.input('from-checkpoint', 'also check against a checkpoint kept elsewhere: entries up to it unchanged, none removed from the end', { arg: '<file>', sample: 'audit-checkpoint.json' }),
      JSON_FLAG,
      STATE_DIR_FLAG,
    ],
    examples: ['sextant audit verify', 'sextant audit verify --from-checkpoint audit-2026-12-01.json'],
    notes: ['The store is the one of --state-dir, or DATABASE_URL when set. A running server on the embedded store holds it: verify through GET /api/v1/audit/verify then.'],
  },
  {
    path: ['audit', 'show'],
    summary: 'print audit entries, oldest first, filtered by time, actor, kind, symbol or run',
    flags: [
      flag.str('from', '<time>', 'entries at or after this date or ISO time (UTC)', '2026-12-01'),
      flag.str('to', '<time>', 'entries before this date or ISO time (UTC)', '2026-12-02'),
      flag.str('actor', '<name>', 'a user, token id, strategy id or system part (risk, venue, engine)', 'alice'),
      flag.str('kind', '<kind>', 'an entry kind, or a prefix ending in "." or "*" (order., api.*)', 'order.denied'),
      flag.str('symbol', '<symbol>', 'entries about this symbol', 'AAPL'),
      flag.str('run', '<id>', 'entries of this run', 'demo'),
      flag.num('after', '<seq>', 'entries after this sequence number (paging)', { min: 0, max: Number.MAX_SAFE_INTEGER, integer: true }, '100'),
      flag.num('limit', '<n>', 'at most this many entries', { min: 1, max: 100_000, integer: true }, '100', { default: '100' }),
      JSON_FLAG,
      STATE_DIR_FLAG,
    ],
    examples: ['sextant audit show --kind order.denied --from 2026-12-01', 'sextant audit show --actor alice --json -'],
  },
  {
    path: ['audit', 'export'],
    summary: 'write every audit entry as JSON lines or CSV, with the hashes an outside verifier needs',
    flags: [
      flag.choice('format', ['jsonl', 'csv'], 'one JSON entry per line, or CSV (RFC 4180) with the payload as JSON text', { default: 'jsonl' }),
      flag.output('out', 'the file to create ("-": stdout); an existing file is never overwritten', { sample: 'audit.jsonl', default: '-' }),
      STATE_DIR_FLAG,
    ],
    examples: ['sextant audit export --format csv --out audit-2026.csv'],
  },
  {
    path: ['audit', 'checkpoint'],
    summary: "print or save the chain's head (entry count and hash) to keep elsewhere: verify then sees rewrites and a cut tail",
    flags: [
      flag.output('out', 'the file to create ("-": stdout); an existing file is never overwritten', { sample: 'audit-checkpoint.json', default: '-' }),
      STATE_DIR_FLAG,
    ],
    examples: ['sextant audit checkpoint --out audit-2026-12-07.json'],
  },
  {
    path: ['new', 'strategy'],
    summary: 'write a commented template strategy <name>.ts and a test for it',
    args: [{ name: 'name', required: true, description: 'the strategy name (letters, digits, "-")', sample: 'my-strategy' }],
    flags: [
      flag.dir('dir', 'the folder to write into', { default: '.' }),
      flag.bool('force', 'overwrite existing files'),
    ],
    examples: ['sextant new strategy my-strategy --dir strategies'],
  },
];

/** `--config <file.json>`: every command takes it. */
export const CONFIG_FLAG: FlagDef = flag.input('config', 'read flags from a JSON object { "flag-name": value }; flags on the command line override it', { sample: 'sextant.json' });

export function commandName(def: CommandDef): string {
  return def.path.join(' ');
}

export function findCommand(path: readonly string[]): CommandDef | undefined {
  return COMMANDS.find((c) => c.path.length === path.length && c.path.every((p, i) => p === path[i]));
}
