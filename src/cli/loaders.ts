// The implementation of each command, loaded with a dynamic import() only when that command runs (so `--help`
// and bad input never load DuckDB, PGlite, BullMQ or piscina). Keys are the command names of src/cli/commands.ts.
import type { CommandRun } from './spec.ts';

export const LOADERS: Record<string, () => Promise<CommandRun>> = {
  'backtest': async () => (await import('./backtest-command.ts')).run,
  'paper': async () => (await import('./paper-command.ts')).run,
  'live': async () => (await import('./live-command.ts')).run,
  'compare': async () => (await import('./compare-command.ts')).run,
  'status': async () => (await import('./status-command.ts')).run,
  'kill': async () => (await import('./kill-command.ts')).run,
  'backup': async () => (await import('./backup-command.ts')).run,
  'restore': async () => (await import('./backup-command.ts')).runRestoreCommand,
  'data import': async () => (await import('./data-command.ts')).runImport,
  'data list': async () => (await import('./data-command.ts')).runList,
  'data download': async () => (await import('./data-command.ts')).runDownload,
  'sql': async () => (await import('./sql-command.ts')).run,
  'risk': async () => (await import('./risk-command.ts')).run,
  'tax': async () => (await import('./tax-command.ts')).run,
  'optimize': async () => (await import('./optimize-command.ts')).run,
  'walkforward': async () => (await import('./walkforward-command.ts')).run,
  'worker': async () => (await import('./worker-command.ts')).run,
  'montecarlo': async () => (await import('./montecarlo-command.ts')).run,
  'stress': async () => (await import('./stress-command.ts')).run,
  'lookahead': async () => (await import('./lookahead-command.ts')).run,
  'recursive': async () => (await import('./recursive-command.ts')).run,
  'strategies': async () => (await import('./strategies-command.ts')).run,
  'indicator': async () => (await import('./indicator-command.ts')).run,
  'coint': async () => (await import('./coint-command.ts')).run,
  'option': async () => (await import('./option-command.ts')).run,
  'demo': async () => (await import('./demo-command.ts')).run,
  'new strategy': async () => (await import('./new-command.ts')).run,
};
