// `ctx.indicators`: one typed method per registered one-series indicator, generated from the
// registry's types (src/indicators/registry.ts), so a misspelt name or a wrong param is a type error.
//   ctx.indicators.sma('AAPL', 20)                      -> Line (a lone param can be given bare)
//   ctx.indicators.sma('AAPL', { period: 20, source: 'hl2' })
//   ctx.indicators.macd('AAPL', { fast: 8 })            -> { macd: Line, signal: Line, histogram: Line }
// Each returns the very Line objects `ctx.indicator(symbol, name, params, output)` returns.
import type { RegisteredIndicator } from '../indicators/registry.ts';
import type { Line } from './line.ts';

type IsUnion<T, C = T> = T extends C ? ([C] extends [T] ? false : true) : never;
/** The indicator's one own param (not `source`), or never when it has none or several. */
type LoneKey<P> = [Exclude<keyof P, 'source'>] extends [never] ? never : IsUnion<Exclude<keyof P, 'source'>> extends true ? never : Exclude<keyof P, 'source'>;

/** Params as a (partial: defaults fill the rest) object, or the lone param's value alone. */
export type IndicatorArgs<P> = [LoneKey<P>] extends [never] ? [params?: Partial<P>] : [params?: Partial<P> | P[LoneKey<P>]];

/** One Line for a single-output indicator; one Line per output otherwise. */
export type IndicatorResult<O extends readonly string[]> = O extends readonly [string] ? Line : { readonly [K in O[number]]: Line };

type ParamsOfDef<D> = D extends { readonly params?: infer P } ? P : never;

export type TypedIndicators = {
  readonly [D in RegisteredIndicator as D['inputs'] extends 'pair' ? never : D['name']]: (symbol: string, ...args: IndicatorArgs<ParamsOfDef<D>>) => IndicatorResult<D['outputs']>;
};

/** Names `ctx.indicators` offers (every registered indicator that reads one symbol). */
export type TypedIndicatorName = keyof TypedIndicators;
