// Seeded, platform-independent random numbers: the same seed gives the same stream everywhere.

/**
 * xoshiro128** over 32-bit ints, seeded by splitmix32. Period 2^128 - 1. The state lives in an
 * Int32Array so the hot path works on untagged int32 values and never allocates heap numbers.
 */
export class Rng {
  readonly #s = new Int32Array(4);
  #spare = NaN;

  constructor(seed: number) {
    let s = seed >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    for (let i = 0; i < 4; i++) this.#s[i] = next() | 0;
  }

  /** Uniform 32-bit unsigned integer. */
  nextU32(): number {
    const st = this.#s;
    const s0 = st[0]!;
    const s1 = st[1]!;
    const s2 = st[2]! ^ s0;
    const s3 = st[3]! ^ s1;
    const x = Math.imul(s1, 5);
    const result = Math.imul((x << 7) | (x >>> 25), 9);
    st[0] = s0 ^ s3;
    st[1] = s1 ^ s2;
    st[2] = s2 ^ (s1 << 9);
    st[3] = (s3 << 11) | (s3 >>> 21);
    return result >>> 0;
  }

  /** Uniform in [0, 1) with 53 bits of precision. */
  next(): number {
    const hi = this.nextU32() >>> 5;
    const lo = this.nextU32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Standard normal by the polar Box-Muller method. */
  normal(): number {
    if (!Number.isNaN(this.#spare)) {
      const s = this.#spare;
      this.#spare = NaN;
      return s;
    }
    let u: number, v: number, q: number;
    do {
      u = 2 * this.next() - 1;
      v = 2 * this.next() - 1;
      q = u * u + v * v;
    } while (q >= 1 || q === 0);
    const f = Math.sqrt((-2 * Math.log(q)) / q);
    this.#spare = v * f;
    return u * f;
  }

  /** Student-t with `nu` degrees of freedom scaled to unit variance (fat tails). */
  studentT(nu: number): number {
    let chi2 = 0;
    for (let i = 0; i < nu; i++) {
      const z = this.normal();
      chi2 += z * z;
    }
    const t = this.normal() / Math.sqrt(chi2 / nu);
    return nu > 2 ? t * Math.sqrt((nu - 2) / nu) : t;
  }

  /** A new independent generator derived from this one (for per-instrument streams). */
  fork(): Rng {
    return new Rng(this.nextU32());
  }
}

