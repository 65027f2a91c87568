// The daily summary's due time: the latest moment at or before now whose UTC clock reads HH:MM.
import { describe, expect, it } from 'vitest';
import { lastDueMs } from './alert-feed.ts';

describe('lastDueMs', () => {
  it('is today at HH:MM once passed, else yesterday', () => {
    const at = (iso: string): number => Date.parse(iso);
    const cases: [string, string, string][] = [
      ['2026-05-14T10:00:00Z', '09:30', '2026-05-14T09:30:00Z'],
      ['2026-05-14T09:30:00Z', '09:30', '2026-05-14T09:30:00Z'],
      ['2026-05-14T09:29:59Z', '09:30', '2026-05-13T09:30:00Z'],
      ['2026-05-14T00:00:00Z', '00:00', '2026-05-14T00:00:00Z'],
      ['2026-03-01T00:10:00Z', '23:59', '2026-02-28T23:59:00Z'],
    ];
    for (const [now, hhmm, due] of cases) expect(new Date(lastDueMs(at(now), hhmm)).toISOString()).toBe(new Date(at(due)).toISOString());
  });
});
