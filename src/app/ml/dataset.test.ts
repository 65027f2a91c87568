import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/errors.ts';
import { randomWalk } from '../../../test/helpers/bars.ts';
import { barsHash, buildDataset, featureSpecOf, labelInfoOf } from './dataset.ts';

describe('ml data settings', () => {
  it('hashes the bars, not their file: the same bars give the same SHA-256, one changed bit another', () => {
    const a = randomWalk(100, 1);
    const b = randomWalk(100, 1);
    const h = barsHash([{ series: a, from: 0, to: 100 }]);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(barsHash([{ series: b, from: 0, to: 100 }])).toBe(h);
    b.volume[50] = b.volume[50]! + 1;
    expect(barsHash([{ series: b, from: 0, to: 100 }])).not.toBe(h);
    expect(barsHash([{ series: a, from: 0, to: 99 }])).not.toBe(h);
  });

  it('leaves the volume features out of the default spec when a series has no volume', () => {
    const withVolume = randomWalk(50, 2);
    const noVolume = randomWalk(50, 3);
    noVolume.volume.fill(0);
    expect(featureSpecOf({}, [withVolume]).volume).toBeDefined();
    expect(featureSpecOf({}, [withVolume, noVolume]).volume).toBeUndefined();
  });

  it('defaults to direction labels over 5 bars and names the flag of a bad setting', () => {
    expect(labelInfoOf({})).toEqual({ kind: 'direction', horizon: 5 });
    expect(labelInfoOf({ labels: 'triple-barrier', horizon: 10 })).toEqual({ kind: 'triple-barrier', horizon: 10, profitTake: 2, stopLoss: 2 });
    expect(() => labelInfoOf({ horizon: 0 })).toThrow(expect.objectContaining({ where: { field: '--horizon' } }));
  });

  it('builds features, labels and forward returns, and finds the first row with every feature', () => {
    const s = randomWalk(120, 4);
    const d = buildDataset(s, featureSpecOf({ features: { returns: [1], momentum: [20] } }, [s]), { kind: 'direction', horizon: 3 });
    expect(d.matrix.names).toEqual(['ret_1', 'mom_20']);
    expect(d.firstFull).toBe(19);
    expect(d.forward[10]).toBeCloseTo(Math.log(s.close[13]! / s.close[10]!), 15);
    expect(d.labels.y[10]).toBe(s.close[13]! > s.close[10]! ? 1 : 0);
    expect(Number.isNaN(d.labels.y[118]!)).toBe(true);
  });

  it('says which features never get a value on data too short for them', () => {
    const s = randomWalk(30, 5);
    expect(() => buildDataset(s, featureSpecOf({ features: { returns: [1], momentum: [50] } }, [s]), { kind: 'direction', horizon: 1 })).toThrow(ConfigError);
    expect(() => buildDataset(s, featureSpecOf({ features: { returns: [1], momentum: [50] } }, [s]), { kind: 'direction', horizon: 1 })).toThrow(/never defined: mom_50/);
  });
});
