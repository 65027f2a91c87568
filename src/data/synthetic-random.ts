// Distributions the synthetic market draws from, built on the project's seeded Rng only.
// Each bar needs several draws, so the forms are chosen to use few Rng calls and few logs:
// one 32-bit draw often feeds two 16-bit uniforms, which is ample resolution for synthetic prices.
import type { Rng } from '../core/rng.ts';

const INV_2_16 = 1 / 65_536;
const INV_2_15 = 1 / 32_768;

/** Uniform in (0, 1) from 16 random bits. */
export function uniform16(bits16: number): number {
  return (bits16 + 0.5) * INV_2_16;
}

/** Laplace with unit variance from 16 random bits, the top one being the sign (tail cut at ~7.8). */
export function laplace16(bits16: number): number {
  const magnitude = -Math.log(((bits16 & 0x7fff) + 0.5) * INV_2_15) * Math.SQRT1_2;
  return bits16 >>> 15 === 1 ? -magnitude : magnitude;
}

const NU = 8;
const T_SCALE = Math.sqrt((NU - 2) / NU);

/**
 * Student-t with 8 degrees of freedom scaled to unit variance (excess kurtosis 1.5), by Bailey's polar
 * method: for (u, v) uniform in the unit disc and w = u^2 + v^2, u * sqrt(nu (w^(-2/nu) - 1) / w) is
 * t-distributed. u and v take 16 bits each of one draw (4/pi of draws are accepted); nu = 8 makes
 * w^(-1/4) two square roots, much cheaper than a general power.
 */
export function studentT(rng: Rng): number {
  for (;;) {
    const x = rng.nextU32();
    const u = ((x >>> 16) + 0.5) * INV_2_15 - 1;
    const v = ((x & 0xffff) + 0.5) * INV_2_15 - 1;
    const w = u * u + v * v;
    if (w < 1) return u * Math.sqrt((NU * (1 / Math.sqrt(Math.sqrt(w)) - 1)) / w) * T_SCALE;
  }
}
