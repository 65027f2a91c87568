// Which durability a paper or live run gets: `store` unless asked (the safe default, docs/live.md "Durability of
// order intents"), the journal modes when asked, and a replay refused anything but `store`.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.ts';
import { durabilityOf } from './paper.ts';

describe('durabilityOf', () => {
  it.each([
    [undefined, false, 'store'],
    [undefined, true, 'store'],
    ['store', true, 'store'],
    ['process', false, 'process'],
    ['fsync', false, 'fsync'],
  ] as const)('asked %s (replay %s) -> %s', (asked, replay, want) => {
    expect(durabilityOf(asked, replay)).toBe(want);
  });

  it.each(['process', 'fsync'] as const)('refuses %s for a replay, naming the flag', (asked) => {
    expect(() => durabilityOf(asked, true)).toThrow(ConfigError);
    expect(() => durabilityOf(asked, true)).toThrow(/--durability .* cannot be used with a replay/);
  });
});
