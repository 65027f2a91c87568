// Enforces the dependency direction of docs/architecture.md (DESIGN §2):
// core <- model <- domain <- strategies/research/ml <- engine <- app <- server/mcp/cli (mcp: a transport like server).
const domain = '(indicators|data|risk|execution|portfolio|analytics)';
const upper = '(strategies|research|ml|engine|app|server|mcp|cli|store|brokers|compliance)';
const rule = (name, from, to, comment) => ({ name, severity: 'error', comment, from: { path: from }, to: { path: to } });

module.exports = {
  forbidden: [
    rule('core-imports-nothing', '^src/core/', '^src/(?!core/)', 'core is the bottom layer'),
    rule('model-only-core', '^src/model/', '^src/(?!core/|model/)', 'model depends on core only'),
    rule('domain-not-upward', `^src/${domain}/`, `^src/${upper}/`, 'domain layers never import strategies, engine or above'),
    rule('strategies-not-upward', '^src/(strategies|research|ml)/', '^src/(engine|app|server|mcp|cli|store|brokers)/', 'strategies/research/ml never import engine, I/O or brokers'),
    rule('engine-not-upward', '^src/engine/', '^src/(app|server|mcp|cli)/', 'engine never imports app, server, mcp or cli'),
    rule('app-not-upward', '^src/app/', '^src/(server|cli|telegram|mcp)/', 'app never imports server, cli, telegram or mcp'),
    rule('telegram-over-app', '^src/telegram/', '^src/(?!app/|core/|telegram/)', 'the Telegram bot is a transport over app (and core helpers)'),
    rule('mcp-over-app', '^src/mcp/', '^src/(?!app/|core/|mcp/)', 'the MCP server is a transport over app (and core helpers)'),
    rule('brokers-stores-only-from-engine', '^src/(?!engine/|app/|store/|brokers/)', '^src/(store|brokers)/', 'only engine (and app) name concrete stores and brokers'),
    {
      name: 'strategies-no-io', severity: 'error', comment: 'strategies and indicators do no I/O',
      from: { path: '^src/(strategies|indicators)/' },
      to: { dependencyTypes: ['core'], path: '^(fs|net|http|https|child_process|worker_threads|node:fs|node:net|node:http|node:https|node:child_process)' },
    },
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
