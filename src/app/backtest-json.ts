// The `--json` document of the backtest contract (docs/cli.md, docs/backtest-json.md): a run's report written to a file or to stdout
// (target `-`), and read back through the RunReport schema.
import { randomUUID } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import { ConfigError } from '../core/errors.ts';
import { JsonFile, RunReportSchema, type RunReport } from './dto/index.ts';
import { equityJsonChunks, equityJsonPieces, pendingEquityColumns } from './equity-points.ts';

/**
 * Writes `report` as `backtest --json` does: the text of `JSON.stringify(report, null, 1)` and a newline. A
 * report whose equity points were never built (a 200k-bar run's 200k objects) gets them written straight from
 * the engine's columns, in pieces: the same bytes, without the objects or one string of the whole document.
 * A target that cannot be written is a ConfigError on field `target`.
 */
export function writeBacktestJson(report: RunReport, target: string): void {
  const pieces = reportJsonChunks(report, target !== '-');
  // The first piece holds every field but the equity points: computed (the analysis) before the target is
  // opened, so a failure there leaves no half-written file.
  const first = pieces.next();
  if (target === '-') {
    // A stream may hold a chunk after write() returns: each gets its own buffer.
    for (let p = first; p.done !== true; p = pieces.next()) process.stdout.write(p.value);
    return;
  }
  let fd: number | undefined;
  try {
    fd = openSync(target, 'w');
    for (let p = first; p.done !== true; p = pieces.next()) writeWhole(fd, typeof p.value === 'string' ? encode(p.value) : p.value);
  } catch (e) {
    throw new ConfigError(`cannot write the report: ${e instanceof Error ? e.message : String(e)}`, { file: target, field: 'target' });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** UTF-8 of `text`; an all-ASCII text (as long in UTF-8 as in UTF-16 code units) is copied as Latin-1, the same bytes, faster. */
function encode(text: string): Buffer {
  return Buffer.byteLength(text) === text.length ? Buffer.from(text, 'latin1') : Buffer.from(text);
}

function writeWhole(fd: number, bytes: Uint8Array): void {
  for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at);
}

/** The document in pieces that join to `JSON.stringify(report, null, 1)` and a newline. */
export function* reportJsonPieces(report: RunReport): Generator<string> {
  const columns = pendingEquityColumns(report);
  if (columns === undefined) {
    yield `${JSON.stringify(report, null, 1)}\n`;
    return;
  }
  const [head, tail] = aroundEquity(report);
  yield head;
  yield* equityJsonPieces(columns, 1);
  yield tail;
}

/**
 * As `reportJsonPieces`, with the equity points as bytes (ASCII) written straight from the engine's columns;
 * with `reuse`, each chunk of them is valid only until the next is asked for (see equityJsonChunks).
 */
function* reportJsonChunks(report: RunReport, reuse: boolean): Generator<string | Uint8Array> {
  const columns = pendingEquityColumns(report);
  if (columns === undefined) {
    yield `${JSON.stringify(report, null, 1)}\n`;
    return;
  }
  const [head, tail] = aroundEquity(report);
  yield head;
  yield* equityJsonChunks(columns, 1, reuse);
  yield tail;
}

/**
 * The document's text before and after the equity array: every other field as JSON.stringify writes it
 * (same keys, same order), cut where a placeholder no report can hold stands for the array.
 */
function aroundEquity(report: RunReport): [string, string] {
  const placeholder = `sextant-equity-${randomUUID()}`;
  const shell: Record<string, unknown> = {};
  for (const key of Object.keys(report)) shell[key] = key === 'equity' ? placeholder : (report as unknown as Record<string, unknown>)[key];
  const text = JSON.stringify(shell, null, 1);
  const at = text.indexOf(`"${placeholder}"`);
  return [text.slice(0, at), `${text.slice(at + placeholder.length + 2)}\n`];
}

/** A whole saved report, validated; a missing, old or malformed file is an InputError naming file, line and field. */
export function readBacktestJson(path: string): RunReport {
  return JsonFile.read(path, 'the output of `sextant backtest --json`', 'path').parse(RunReportSchema);
}
