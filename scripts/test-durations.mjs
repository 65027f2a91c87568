// `npm run test:durations -- <vitest JSON report>`: writes test/durations.json (seconds per test file, files of a
// second or more) from a whole run's report (`npx vitest run --reporter=json --outputFile=/tmp/vt.json`), for
// the sequencer that starts the longest files first (test/helpers/sequencer.ts).
/* global process, console */
import { readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';

const file = process.argv[2];
if (file === undefined) {
  console.error('usage: npm run test:durations -- <vitest JSON report>');
  process.exit(2);
}
const report = JSON.parse(readFileSync(file, 'utf8'));
const root = process.cwd();
const out = {};
for (const r of report.testResults.sort((a, b) => (b.endTime - b.startTime) - (a.endTime - a.startTime))) {
  const seconds = Math.round((r.endTime - r.startTime) / 100) / 10;
  if (seconds >= 1) out[relative(root, r.name)] = seconds;
}
writeFileSync('test/durations.json', `${JSON.stringify(out, null, 2)}\n`);
console.log(`test/durations.json: ${Object.keys(out).length} files of a second or more`);
