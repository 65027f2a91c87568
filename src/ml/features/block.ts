// A block computes a few feature columns. Batch: `fill` writes every row of its columns straight into
// the row-major matrix (tight indicator loops, a resampled series). Stream: `step` computes row i once
// bars 0..i are in the context, keeping whatever state it needs. Both give the same bits (stream.test.ts).
import type { FeatureContext, OhlcvBar } from './context.ts';

export interface Block {
  readonly names: readonly string[];
  /** Writes rows [0, ctx.n) of its columns: column c of row i goes to `out[i * stride + offset + c]`. */
  fill(ctx: FeatureContext, out: Float64Array, offset: number, stride: number): void;
  /** Writes row i (= ctx.n - 1; rows before it were stepped in order) into `row[offset + c]`. */
  step(ctx: FeatureContext, i: number, row: Float64Array, offset: number): void;
}

/**
 * One feature that is a pure function of the context's arrays up to row i. `rows` computes rows
 * [from, to) into out[pos], out[pos + stride], ...: the batch calls it once over all rows, the stream
 * once per row, so both run the same arithmetic (each def has its own loop, so its calls stay monomorphic).
 */
export interface ColumnDef {
  readonly name: string;
  readonly rows: (ctx: FeatureContext, from: number, to: number, out: Float64Array, pos: number, stride: number) => void;
}

export class PureBlock implements Block {
  readonly names: readonly string[];
  constructor(readonly defs: readonly ColumnDef[]) {
    this.names = defs.map((d) => d.name);
  }
  fill(ctx: FeatureContext, out: Float64Array, offset: number, stride: number): void {
    this.defs.forEach((d, c) => d.rows(ctx, 0, ctx.n, out, offset + c, stride));
  }
  step(ctx: FeatureContext, i: number, row: Float64Array, offset: number): void {
    const defs = this.defs;
    for (let c = 0; c < defs.length; c++) defs[c]!.rows(ctx, i, i + 1, row, offset + c, 1);
  }
}

export function blockNames(blocks: readonly Block[]): string[] {
  return blocks.flatMap((b) => b.names);
}

/** The row-major matrix (ctx.n rows, one column per name) of all blocks over the context's rows. */
export function fillMatrix(blocks: readonly Block[], ctx: FeatureContext): Float64Array {
  const stride = blocks.reduce((k, b) => k + b.names.length, 0);
  const out = new Float64Array(ctx.n * stride);
  let offset = 0;
  for (const b of blocks) {
    b.fill(ctx, out, offset, stride);
    offset += b.names.length;
  }
  return out;
}

/** Feeds bars one at a time and computes each new row (the streaming form's engine). */
export class RowStepper {
  readonly names: readonly string[];
  /** The latest row (overwritten by each push). */
  readonly row: Float64Array;
  constructor(
    readonly blocks: readonly Block[],
    readonly ctx: FeatureContext,
  ) {
    this.names = blockNames(blocks);
    this.row = new Float64Array(this.names.length).fill(NaN);
  }
  push(bar: OhlcvBar): Float64Array {
    this.ctx.append(bar);
    const i = this.ctx.n - 1;
    let offset = 0;
    for (const b of this.blocks) {
      b.step(this.ctx, i, this.row, offset);
      offset += b.names.length;
    }
    return this.row;
  }
}
