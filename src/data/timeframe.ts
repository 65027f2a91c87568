// The nominal bar length of a series when the file does not say.

/**
 * The most common positive gap between consecutive times (ties go to the shorter gap); 0 with fewer
 * than two bars. Daily data with weekends infers one day; hourly FX with weekend gaps one hour.
 */
export function inferTimeframeMs(time: Float64Array, length = time.length): number {
  // Runs of equal gaps are counted in one step: regular series touch the map once per run.
  const counts = new Map<number, number>();
  let i = 1;
  while (i < length) {
    const g = time[i]! - time[i - 1]!;
    let j = i + 1;
    while (j < length && time[j]! - time[j - 1]! === g) j++;
    if (g > 0) counts.set(g, (counts.get(g) ?? 0) + (j - i));
    i = j;
  }
  let best = 0;
  let bestCount = 0;
  for (const [gap, count] of counts) {
    if (count > bestCount || (count === bestCount && gap < best)) {
      best = gap;
      bestCount = count;
    }
  }
  return best;
}
