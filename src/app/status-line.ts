// The paper status line on a terminal: one line rewritten in place that always fits the terminal's
// width (no wrap, so no scrolling) and is cleared before each redraw (no leftover characters).
export interface StatusStream {
  write(text: string): unknown;
  /** Terminal width in columns (undefined when unknown). */
  readonly columns?: number;
}

/** Cuts a line to `width` columns (one column spare: some terminals wrap on the last one), marking the cut. */
export function fitToWidth(line: string, width: number): string {
  const max = Math.max(1, Math.floor(width) - 1);
  const chars = [...line];
  if (chars.length <= max) return line;
  return max === 1 ? '…' : `${chars.slice(0, max - 1).join('')}…`;
}

/** Carriage return + erase the whole line (ANSI EL2), then the new text cut to the width. */
export function ttyStatusWriter(stream: StatusStream): { readonly write: (line: string) => void; readonly end: () => void } {
  let drawn = false;
  return {
    write(line) {
      stream.write(`\r\x1b[2K${fitToWidth(line, stream.columns ?? 80)}`);
      drawn = true;
    },
    // Leaves the last status on screen and moves below it.
    end() {
      if (drawn) stream.write('\n');
      drawn = false;
    },
  };
}
