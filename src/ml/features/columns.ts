// The features that are pure functions of bars 0..i (see block.ts): returns, momentum, realized and
// Parkinson volatility, liquidity, cross-asset and calendar columns. Formulas are in spec.ts.
import { MS_PER_DAY, MS_PER_HOUR } from '../../core/time.ts';
import type { ColumnDef } from './block.ts';
import { windowCoMoment, windowMean, windowMeanFinite, windowStd } from './rolling.ts';

const FOUR_LN2 = 4 * Math.LN2;
const TAU = 2 * Math.PI;

export function returnColumns(horizons: readonly number[]): ColumnDef[] {
  return horizons.map((h) => ({
    name: `ret_${h}`,
    rows: (c, from, to, out, pos, stride) => {
      for (let i = from; i < to; i++, pos += stride) out[pos] = i >= h ? Math.log(c.close[i]! / c.close[i - h]!) : NaN;
    },
  }));
}

export function momentumColumns(horizons: readonly number[]): ColumnDef[] {
  return horizons.map((h) => ({
    name: `mom_${h}`,
    rows: (c, from, to, out, pos, stride) => {
      for (let i = from; i < to; i++, pos += stride) out[pos] = Math.log(c.close[i]! / windowMean(c.close, i, h));
    },
  }));
}

/** Realized volatility over returns i-w+1..i (so defined from row w) and Parkinson over bars i-w+1..i. */
export function volatilityColumns(w: number, realized: boolean, parkinson: boolean): ColumnDef[] {
  const out: ColumnDef[] = [];
  if (realized) {
    out.push({
      name: `rvol_${w}`,
      rows: (c, from, to, o, pos, stride) => {
        for (let i = from; i < to; i++, pos += stride) o[pos] = windowStd(c.ret, i, w);
      },
    });
  }
  if (parkinson) {
    out.push({
      name: `parkinson_${w}`,
      rows: (c, from, to, o, pos, stride) => {
        for (let i = from; i < to; i++, pos += stride) o[pos] = Math.sqrt(windowMean(c.pk, i, w) / FOUR_LN2);
      },
    });
  }
  return out;
}

export const logTurnover: ColumnDef = {
  name: 'log_turnover',
  rows: (c, from, to, out, pos, stride) => {
    for (let i = from; i < to; i++, pos += stride) {
      const t = c.close[i]! * c.volume[i]!;
      out[pos] = t > 0 ? Math.log(t) : NaN;
    }
  },
};

/** Amihud illiquidity over returns i-w+1..i (bars without turnover skipped) and the volume z-score over bars i-w+1..i. */
export function volumeColumns(w: number, amihud: boolean, zscore: boolean): ColumnDef[] {
  const out: ColumnDef[] = [];
  if (amihud) {
    out.push({
      name: `amihud_${w}`,
      rows: (c, from, to, o, pos, stride) => {
        for (let i = from; i < to; i++, pos += stride) o[pos] = i >= w ? windowMeanFinite(c.illiq, i, w) : NaN;
      },
    });
  }
  if (zscore) {
    out.push({
      name: `volume_z_${w}`,
      rows: (c, from, to, o, pos, stride) => {
        for (let i = from; i < to; i++, pos += stride) {
          const sd = windowStd(c.volume, i, w);
          o[pos] = !(sd >= 0) ? NaN : sd === 0 ? 0 : (c.volume[i]! - windowMean(c.volume, i, w)) / sd;
        }
      },
    });
  }
  return out;
}

export function benchmarkColumns(windows: readonly number[], horizons: readonly number[]): ColumnDef[] {
  const out: ColumnDef[] = [];
  for (const w of windows) {
    out.push({
      name: `bm_corr_${w}`,
      rows: (c, from, to, o, pos, stride) => {
        for (let i = from; i < to; i++, pos += stride) o[pos] = windowCoMoment(c.ret, c.bRet, i, w, 'corr');
      },
    });
    out.push({
      name: `bm_beta_${w}`,
      rows: (c, from, to, o, pos, stride) => {
        for (let i = from; i < to; i++, pos += stride) o[pos] = windowCoMoment(c.ret, c.bRet, i, w, 'beta');
      },
    });
  }
  for (const h of horizons) {
    out.push({
      name: `bm_rs_${h}`,
      rows: (c, from, to, o, pos, stride) => {
        for (let i = from; i < to; i++, pos += stride) {
          o[pos] = i >= h ? Math.log(c.close[i]! / c.close[i - h]!) - Math.log(c.bClose[i]! / c.bClose[i - h]!) : NaN;
        }
      },
    });
  }
  return out;
}

/** Month 0..11 of a UTC day number (days since 1970-01-01), by H. Hinnant's civil_from_days. */
export function monthOfDay(day: number): number {
  const z = day + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  return mp < 10 ? mp + 2 : mp - 10;
}

/** Monday = 0 ... Sunday = 6 (1970-01-01, day 0, was a Thursday). */
function weekdayOf(t: number): number {
  return (((Math.floor(t / MS_PER_DAY) + 3) % 7) + 7) % 7;
}
function monthOf(t: number): number {
  return monthOfDay(Math.floor(t / MS_PER_DAY));
}
function hourOf(t: number): number {
  return (t - Math.floor(t / MS_PER_DAY) * MS_PER_DAY) / MS_PER_HOUR;
}

function cyclic(name: string, period: number, pos: (t: number) => number): ColumnDef[] {
  const k = TAU / period;
  return [
    {
      name: `${name}_sin`,
      rows: (c, from, to, o, p, stride) => {
        for (let i = from; i < to; i++, p += stride) o[p] = Math.sin(k * pos(c.time[i]!));
      },
    },
    {
      name: `${name}_cos`,
      rows: (c, from, to, o, p, stride) => {
        for (let i = from; i < to; i++, p += stride) o[p] = Math.cos(k * pos(c.time[i]!));
      },
    },
  ];
}

/** sin/cos of the position in a cycle: day of week (Monday = 0 of 7), month (January = 0 of 12), hour of day (fractional, of 24), UTC. */
export function calendarColumns(dayOfWeek: boolean, month: boolean, hour: boolean): ColumnDef[] {
  return [
    ...(dayOfWeek ? cyclic('dow', 7, weekdayOf) : []),
    ...(month ? cyclic('month', 12, monthOf) : []),
    ...(hour ? cyclic('hour', 24, hourOf) : []),
  ];
}
