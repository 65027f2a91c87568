// The order test files start in: longest first (the longest-processing-time rule), from the durations of a
// recent whole run (test/durations.json, `npm run test:durations` after `vitest run --reporter=json
// --outputFile=…`). Vitest's own order (its cache of durations, else file size) knows nothing on a fresh
// clone, where CI runs: the small-but-slow files (the crash soaks import their logic) started last and ran
// alone at the end of the run, a minute and more with idle workers. Files not listed count as quick.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const ROOT = new URL('../..', import.meta.url).pathname;

function durations(): Record<string, number> {
  try {
    return JSON.parse(readFileSync(new URL('../durations.json', import.meta.url), 'utf8')) as Record<string, number>;
  } catch {
    return {};
  }
}

export default class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const known = durations();
    const base = await super.sort(files);
    const seconds = (f: TestSpecification): number => known[relative(ROOT, f.moduleId)] ?? 0;
    // A stable sort: among the unlisted (quick) files Vitest's own order stays.
    return [...base].sort((a, b) => seconds(b) - seconds(a));
  }
}
