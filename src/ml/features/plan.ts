// A parsed spec as an ordered list of blocks; the column order (and so every name's position) is the
// spec's field order: returns, momentum, volatility, volume, indicators, benchmark, calendar, regimes, timeframes.
import { ConfigError } from '../../core/errors.ts';
import { getIndicator } from '../../indicators/registry.ts';
import { parseTimeframe } from '../../data/resample.ts';
import { blockNames, PureBlock, type Block } from './block.ts';
import {
  benchmarkColumns, calendarColumns, logTurnover, momentumColumns, returnColumns, volatilityColumns, volumeColumns,
} from './columns.ts';
import { IndicatorBlock } from './indicator-block.ts';
import { RegimeBlock } from './regime-block.ts';
import type { BaseFeatureSpec, FeatureSpec } from './spec.ts';
import { TimeframeBlock } from './timeframe-block.ts';

function baseBlocks(spec: BaseFeatureSpec, hasBenchmark: boolean): Block[] {
  const blocks: Block[] = [];
  const pure = new PureBlock([...returnColumns(spec.returns), ...momentumColumns(spec.momentum)]);
  if (pure.names.length > 0) blocks.push(pure);
  const vol = spec.volatility;
  if (vol !== undefined) {
    for (const w of vol.window) {
      const cols = volatilityColumns(w, vol.realized, vol.parkinson);
      if (cols.length > 0) blocks.push(new PureBlock(cols));
      if (vol.atr) blocks.push(new IndicatorBlock({ name: 'atr', params: { period: w }, scale: 'ratio' }, false, [`atr_${w}`]));
    }
  }
  const v = spec.volume;
  if (v !== undefined) {
    const cols = [...(v.turnover ? [logTurnover] : []), ...v.window.flatMap((w) => volumeColumns(w, v.amihud, v.zscore))];
    if (cols.length > 0) blocks.push(new PureBlock(cols));
  }
  for (const ind of spec.indicators) blocks.push(new IndicatorBlock(ind, hasBenchmark));
  return blocks;
}

/** What a bare higher timeframe computes: the base features, minus pair indicators (no benchmark there). */
function higherDefault(spec: FeatureSpec): BaseFeatureSpec {
  return {
    returns: spec.returns,
    momentum: spec.momentum,
    volatility: spec.volatility,
    volume: spec.volume,
    indicators: spec.indicators.filter((i) => getIndicator(i.name).inputs !== 'pair'),
  };
}

/** Fresh blocks for a spec (blocks hold streaming state: one set per build or stream). */
export function planBlocks(spec: FeatureSpec, hasBenchmark: boolean): Block[] {
  const blocks = baseBlocks(spec, hasBenchmark);
  if (spec.benchmark !== undefined) {
    if (!hasBenchmark) throw new ConfigError('the spec asks for benchmark features but no benchmark series was given', { field: 'features.benchmark' });
    blocks.push(new PureBlock(benchmarkColumns(spec.benchmark.window, spec.benchmark.horizons)));
  }
  const cal = spec.calendar;
  const calendar = calendarColumns(cal.dayOfWeek, cal.month, cal.hour);
  if (calendar.length > 0) blocks.push(new PureBlock(calendar));
  if (spec.regimes !== false) blocks.push(new RegimeBlock(spec.regimes === true ? {} : spec.regimes));
  for (const t of spec.timeframes) {
    const text = typeof t === 'string' ? t : t.timeframe;
    const sub = typeof t === 'string' ? higherDefault(spec) : t.features;
    const tf = parseTimeframe(text);
    blocks.push(new TimeframeBlock(text.trim(), tf, () => baseBlocks(sub, false)));
  }
  const names = blockNames(blocks);
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw new ConfigError(`feature "${n}" appears twice`, { field: 'features' });
    seen.add(n);
  }
  return blocks;
}
