import { describe, expect, it } from 'vitest';
import { InputError } from '../../core/errors.ts';
import { Rng } from '../../core/rng.ts';
import { adfuller, defaultAdfMaxLag } from './adf.ts';
import { mackinnoncrit, mackinnonp } from './mackinnon.ts';
import { ols } from './ols.ts';

function randomWalk(seed: number, n: number): Float64Array {
  const rng = new Rng(seed);
  const x = new Float64Array(n);
  let v = 100;
  for (let i = 0; i < n; i++) x[i] = v += rng.normal();
  return x;
}

function ar1(seed: number, n: number, phi: number): Float64Array {
  const rng = new Rng(seed);
  const x = new Float64Array(n);
  let v = 0;
  for (let i = 0; i < n; i++) x[i] = v = phi * v + rng.normal();
  return x;
}

/** The ADF regression with a constant built by hand: dx[t] on 1, x[t], dx[t-1..t-lags], rows from `trim`. */
function handRegression(x: Float64Array, lags: number, trim: number) {
  const dx = x.subarray(1).map((v, i) => v - x[i]!);
  const y = dx.slice(trim);
  const level = x.slice(trim, x.length - 1);
  const lagged = Array.from({ length: lags }, (_, j) => dx.slice(trim - j - 1, dx.length - j - 1));
  return ols(y, [level, ...lagged]);
}

describe('defaultAdfMaxLag', () => {
  it('is ceil(12 (n/100)^(1/4)) capped at n/2 - ntrend - 1', () => {
    expect(defaultAdfMaxLag(100)).toBe(12);
    expect(defaultAdfMaxLag(250)).toBe(16); // 12 * 2.5^0.25 = 15.09
    expect(defaultAdfMaxLag(1600)).toBe(24);
    expect(defaultAdfMaxLag(2000)).toBe(26);
    expect(defaultAdfMaxLag(20, 'c')).toBe(8);
    expect(defaultAdfMaxLag(20, 'n')).toBe(9);
    expect(defaultAdfMaxLag(20, 'ctt')).toBe(6);
  });
});

describe('adfuller', () => {
  it('equals the t-value of the lagged level in the hand-built regression for a fixed lag', () => {
    const x = randomWalk(1, 300);
    for (const lag of [0, 1, 4]) {
      const r = adfuller(x, { maxlag: lag, autolag: null });
      const hand = handRegression(x, lag, lag);
      expect(r.stat).toBeCloseTo(hand.tvalues[1]!, 10);
      expect(r.usedLag).toBe(lag);
      expect(r.nobs).toBe(300 - 1 - lag);
      expect(r.icBest).toBeNull();
      expect(r.pValue).toBe(mackinnonp(r.stat, 'c', 1));
      expect(r.criticalValues).toEqual(mackinnoncrit(1, 'c', r.nobs));
    }
  });

  it('searches lags on the common sample left by maxlag and refits the best lag on its full sample', () => {
    const x = ar1(2, 400, 0.8).map((v, i) => v + 0.3 * Math.sin(i / 3));
    const maxlag = 8;
    const aics = Array.from({ length: maxlag + 1 }, (_, lag) => handRegression(x, lag, maxlag).aic);
    const best = aics.indexOf(Math.min(...aics));
    const r = adfuller(x, { maxlag, autolag: 'AIC' });
    expect(r.usedLag).toBe(best);
    expect(r.icBest).toBeCloseTo(aics[best]!, 8);
    expect(r.nobs).toBe(400 - 1 - best);
    expect(r.stat).toBeCloseTo(handRegression(x, best, best).tvalues[1]!, 10);
  });

  it('picks by BIC with the log(n) penalty', () => {
    const x = ar1(3, 300, 0.9);
    const bics = Array.from({ length: 6 }, (_, lag) => handRegression(x, lag, 5).bic);
    const r = adfuller(x, { maxlag: 5, autolag: 'BIC' });
    expect(r.usedLag).toBe(bics.indexOf(Math.min(...bics)));
    expect(r.icBest).toBeCloseTo(Math.min(...bics), 8);
  });

  it('with the t-stat rule keeps the longest lag whose last coefficient is significant at 5 %', () => {
    const x = ar1(4, 500, 0.5);
    const r = adfuller(x, { maxlag: 6, autolag: 't-stat' });
    for (let lag = 6; lag > r.usedLag; lag--) {
      const t = handRegression(x, lag, 6).tvalues;
      expect(Math.abs(t[t.length - 1]!)).toBeLessThan(1.6448536269514722);
    }
    if (r.usedLag > 0) expect(r.icBest).toBeGreaterThanOrEqual(1.6448536269514722);
  });

  it('does not reject a unit root in a random walk and rejects it for a stationary AR(1)', () => {
    const walk = adfuller(randomWalk(5, 500));
    expect(walk.pValue).toBeGreaterThan(0.1);
    expect(walk.stat).toBeGreaterThan(walk.criticalValues['10%']);
    const stationary = adfuller(ar1(6, 500, 0.5));
    expect(stationary.pValue).toBeLessThan(0.001);
    expect(stationary.stat).toBeLessThan(stationary.criticalValues['1%']);
  });

  it('is invariant to shifting and scaling the series', () => {
    const x = ar1(7, 250, 0.7);
    const y = x.map((v) => 1000 + 3.5 * v);
    for (const regression of ['c', 'ct', 'ctt'] as const) {
      const a = adfuller(x, { regression });
      const b = adfuller(y, { regression });
      expect(b.usedLag).toBe(a.usedLag);
      expect(b.stat).toBeCloseTo(a.stat, 9);
    }
  });

  it('uses maxlag lags when autolag is null and the default maxlag when none is given', () => {
    const r = adfuller(randomWalk(8, 250), { autolag: null });
    expect(r.usedLag).toBe(16);
    expect(r.maxLag).toBe(16);
    expect(r.nobs).toBe(250 - 1 - 16);
  });

  it('rejects too-short, constant and non-finite series and a maxlag beyond n/2 - ntrend - 1', () => {
    expect(() => adfuller([1, 2, 3])).toThrow(InputError);
    expect(() => adfuller(new Float64Array(50).fill(3))).toThrow(/constant/);
    expect(() => adfuller([1, 2, Infinity, 3, 4, 5, 6, 7, 8, 9])).toThrow(InputError);
    expect(() => adfuller(randomWalk(9, 40), { maxlag: 19 })).toThrow(/maxlag/);
    expect(() => adfuller(randomWalk(9, 40), { maxlag: 20, regression: 'n' })).toThrow(/maxlag/);
    expect(adfuller(randomWalk(9, 40), { maxlag: 19, regression: 'n', autolag: null }).usedLag).toBe(19);
    expect(() => adfuller(randomWalk(9, 40), { maxlag: 2.5 })).toThrow(InputError);
  });
});
