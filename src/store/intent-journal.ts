// The write-ahead intent journal (docs/live.md, "Durability"): an order intent is appended here with one
// synchronous write before the order is sent, and committed to the store right after. A write() reaches the
// OS page cache, so the intent survives a kill of the process (not a power loss, unless `fsync`); the store
// commit is off the order's path. Each line is `<crc32 hex> <json>\n`; a line without its newline or whose
// checksum does not match (a crash mid-write) is skipped with a warning: it was never sent, because sending
// starts only after the write returned.
// The journal is a series of segment files `<run>.<n>.intents`. A store flush that starts after `seal()` commits
// every intent of the sealed segments, so `release()` deletes them once it resolved: the journal holds only
// intents the store may not have yet.
import { closeSync, fdatasyncSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { OrderInput } from './store.ts';

/** Where an intent is durable before its order is sent: the journal (process, fsync) or the store. */
export type Durability = 'process' | 'fsync' | 'store';
export const DURABILITIES: readonly Durability[] = ['process', 'fsync', 'store'];

const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

/** CRC-32 (IEEE) of a string's UTF-8 bytes. */
export function crc32(s: string): number {
  const b = Buffer.from(s, 'utf8');
  let c = -1;
  for (let i = 0; i < b.length; i++) c = CRC_TABLE[(c ^ b[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

export function journalLine(row: OrderInput): string {
  const json = JSON.stringify(row);
  return `${crc32(json).toString(16).padStart(8, '0')} ${json}\n`;
}

/** Parses one segment's text: the intact records, and a warning for each line that is not. */
export function parseJournal(text: string, file: string): { records: OrderInput[]; warnings: string[] } {
  const records: OrderInput[] = [];
  const warnings: string[] = [];
  const lines = text.split('\n');
  const last = lines.pop();
  if (last !== undefined && last !== '') warnings.push(`${file}: torn last record (${last.length} bytes without its newline) ignored: a crash mid-write, never sent`);
  lines.forEach((line, i) => {
    const sp = line.indexOf(' ');
    const json = line.slice(sp + 1);
    if (sp !== 8 || parseInt(line.slice(0, 8), 16) !== crc32(json)) {
      warnings.push(`${file}: record ${i + 1} has a bad checksum and is ignored`);
      return;
    }
    records.push(JSON.parse(json) as OrderInput);
  });
  return { records, warnings };
}

export class IntentJournal {
  #fd = -1;
  #seq: number;
  #count = 0;
  /** Segments closed by seal(), waiting for their flush. */
  readonly #sealed: number[] = [];
  /** Segments left by an earlier process (read by recover, deleted by discardRecovered). */
  readonly #previous: number[];
  #closed = false;

  private constructor(
    private readonly dir: string,
    private readonly prefix: string,
    private readonly fsync: boolean,
    /** False: opened only to recover what an earlier process journaled (this one commits intents to the store first). */
    readonly writes: boolean,
  ) {
    mkdirSync(dir, { recursive: true });
    const re = new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(\\d+)\\.intents$`);
    this.#previous = readdirSync(dir).flatMap((f) => {
      const m = re.exec(f);
      return m === null ? [] : [Number(m[1])];
    }).sort((a, b) => a - b);
    this.#seq = (this.#previous.at(-1) ?? 0) + 1;
    if (writes) this.#fd = this.#openSegment();
    else this.#closed = true;
  }

  /**
   * The journal of run `runId` in `dir`; segments an earlier process left stay until discardRecovered().
   * `recoverOnly`: nothing is written (durability store), the earlier segments are still recovered.
   */
  static open(dir: string, runId: string, opts: { readonly fsync?: boolean; readonly recoverOnly?: boolean } = {}): IntentJournal {
    return new IntentJournal(dir, encodeURIComponent(runId), opts.fsync === true, opts.recoverOnly !== true);
  }

  #path(seq: number): string {
    return join(this.dir, `${this.prefix}.${seq}.intents`);
  }

  #openSegment(): number {
    const fd = openSync(this.#path(this.#seq), 'a');
    // fsync mode: the new file's directory entry is durable too (off the order path: at open and seal).
    if (this.fsync) this.#syncDir();
    return fd;
  }

  #syncDir(): void {
    const d = openSync(this.dir, 'r');
    try {
      fsyncSync(d);
    } finally {
      closeSync(d);
    }
  }

  /** The intents an earlier process journaled (some may be in the store already), and the torn lines it left. */
  recover(): { records: OrderInput[]; warnings: string[] } {
    const records: OrderInput[] = [];
    const warnings: string[] = [];
    for (const seq of this.#previous) {
      const file = this.#path(seq);
      const r = parseJournal(readFileSync(file, 'utf8'), file);
      records.push(...r.records);
      warnings.push(...r.warnings);
    }
    return { records, warnings };
  }

  /** Deletes what an earlier process left (once its intents are in the store). */
  discardRecovered(): void {
    for (const seq of this.#previous.splice(0)) unlinkSync(this.#path(seq));
  }

  /** Appends the intents with one synchronous write (and fdatasync in fsync mode); returns once written. */
  append(rows: readonly OrderInput[]): void {
    if (rows.length === 0) return;
    if (this.#closed) throw new Error('the intent journal is closed (or opened to recover only)');
    const buf = Buffer.from(rows.length === 1 ? journalLine(rows[0]!) : rows.map(journalLine).join(''), 'utf8');
    let off = 0;
    while (off < buf.length) off += writeSync(this.#fd, buf, off);
    if (this.fsync) fdatasyncSync(this.#fd);
    this.#count += rows.length;
  }

  /** Records written to the current segment. */
  get unsealed(): number {
    return this.#count;
  }

  /**
   * Called just before a store flush starts: the current segment (if it holds records) is closed and a new one
   * begun. Returns the mark to release() once that flush has committed.
   */
  seal(): number {
    if (this.#count > 0 && !this.#closed) {
      closeSync(this.#fd);
      this.#sealed.push(this.#seq);
      this.#seq++;
      this.#count = 0;
      this.#fd = this.#openSegment();
    }
    return this.#seq;
  }

  /** The flush that started at seal() returning `mark` has committed: its segments are deleted. */
  release(mark: number): void {
    while (this.#sealed.length > 0 && this.#sealed[0]! < mark) unlinkSync(this.#path(this.#sealed.shift()!));
  }

  /** Closes the current segment; deletes it when it is empty (nothing left for a restart to recover). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    closeSync(this.#fd);
    if (this.#count === 0) unlinkSync(this.#path(this.#seq));
  }

  /** The segment files present now (tests). */
  files(): string[] {
    const re = `${this.prefix}.`;
    return readdirSync(this.dir).filter((f) => f.startsWith(re) && f.endsWith('.intents')).sort();
  }
}
