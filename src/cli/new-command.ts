// `sextant new strategy <name> [--dir .] [--force]`: a commented template strategy and a test for it
// (the files are written by app/new-strategy.ts).
import { writeStrategyTemplate } from '../app/new-strategy.ts';
import { bool, str, type CommandIO, type ParsedArgs } from './args.ts';

export async function run(a: ParsedArgs, io: CommandIO): Promise<number> {
  const name = a.positional[0]!;
  const r = await writeStrategyTemplate({ name, dir: str(a, 'dir') ?? '.', force: bool(a, 'force') });
  for (const f of r.files) io.out(`wrote ${f}`);
  io.out(`backtest it with: sextant backtest --strategy ${r.files[0] ?? `${name}.ts`} --data synthetic`);
  return 0;
}
