// `sextant <args>` run in the test's own process: the CLI's main, with the same parsing, output and exit code as
// the command line, without the cost of a process start. For checks whose point is not the process boundary.
export async function cli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const { main } = await import('../../src/cli/main.ts');
  let stdout = '';
  let stderr = '';
  const code = await main(args, (s) => (stdout += `${s}\n`), (s) => (stderr += `${s}\n`));
  return { code, stdout, stderr };
}
