import { SMA } from '../src/indicators/sma.ts';
import { ExactSum } from '../src/indicators/exact-sum.ts';
const which = process.argv[2];
const xs = new Float64Array(300_000); let p = 100; for (let i = 0; i < xs.length; i++) { p *= 1 + (Math.sin(i * 12.9898) * 43758.5453 % 1) * 0.001; xs[i] = Math.round(p * 100) / 100; }
class OldSMA { buf: Float64Array; s = new ExactSum(); c = 0; h = 0; constructor(readonly period: number) { this.buf = new Float64Array(period); }
  update(x: number) { if (this.c === this.period) this.s.remove(this.buf[this.h]!); else this.c++; this.buf[this.h] = x; this.s.add(x); this.h = this.h + 1 === this.period ? 0 : this.h + 1; return this.c < this.period ? null : this.s.value() / this.period; } }
const reps = Number(process.argv[3] ?? 1);
let acc = 0;
for (let r = 0; r < reps; r++) { const s = which === 'window' ? new SMA(30) : which === 'exact' ? new OldSMA(30) : null; if (s) for (let i = 0; i < xs.length; i++) acc += s.update(xs[i]!) ?? 0; }
console.log(acc > 0);
