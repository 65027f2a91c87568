// The TWS API wire format seen from the server side (IB's "API message protocol", version 100+):
// the client opens with "API\0" followed by a 4-byte big-endian length and a version range ("v100..193");
// after that every message either way is a 4-byte big-endian length followed by NUL-terminated fields.
// The first message the server sends is its chosen server version and connection time.

/** Splits a byte stream into the client's handshake and its framed messages. */
export class FrameReader {
  #buf = Buffer.alloc(0);
  #greeted = false;

  constructor(
    private readonly onHello: (versionRange: string) => void,
    private readonly onMessage: (fields: string[]) => void,
  ) {}

  push(chunk: Buffer): void {
    this.#buf = Buffer.concat([this.#buf, chunk]);
    for (;;) {
      if (!this.#greeted) {
        if (this.#buf.length < 8) return;
        if (this.#buf.subarray(0, 4).toString('latin1') !== 'API\0') throw new Error('handshake: expected "API\\0" prefix');
        const len = this.#buf.readUInt32BE(4);
        if (this.#buf.length < 8 + len) return;
        const range = this.#buf.subarray(8, 8 + len).toString('utf8');
        this.#buf = this.#buf.subarray(8 + len);
        this.#greeted = true;
        this.onHello(range);
        continue;
      }
      if (this.#buf.length < 4) return;
      const len = this.#buf.readUInt32BE(0);
      if (this.#buf.length < 4 + len) return;
      const body = this.#buf.subarray(4, 4 + len).toString('utf8');
      this.#buf = this.#buf.subarray(4 + len);
      const fields = body.split('\0');
      if (fields.at(-1) === '') fields.pop();
      this.onMessage(fields);
    }
  }
}

export type Field = string | number | boolean | null | undefined;

/** One framed message: each field NUL-terminated, the whole prefixed with its byte length. */
export function frame(fields: readonly Field[]): Buffer {
  const text = fields.map(fieldText).join('\0') + '\0';
  const body = Buffer.from(text, 'utf8');
  const head = Buffer.alloc(4);
  head.writeUInt32BE(body.length, 0);
  return Buffer.concat([head, body]);
}

/** How TWS writes a field: booleans as 0/1, absent values as the empty string. */
export function fieldText(f: Field): string {
  if (f === undefined || f === null) return '';
  if (typeof f === 'boolean') return f ? '1' : '0';
  return String(f);
}

/** Reads a message's fields in order, as the server does for requests. */
export class FieldCursor {
  #i = 0;
  constructor(readonly fields: readonly string[]) {}
  str(): string {
    return this.fields[this.#i++] ?? '';
  }
  int(): number {
    const s = this.str();
    return s === '' ? 0 : Number.parseInt(s, 10);
  }
  num(): number | undefined {
    const s = this.str();
    return s === '' ? undefined : Number(s);
  }
  bool(): boolean {
    return this.str() === '1';
  }
  skip(n: number): void {
    this.#i += n;
  }
  get rest(): number {
    return this.fields.length - this.#i;
  }
}
