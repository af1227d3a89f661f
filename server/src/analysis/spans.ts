// Small helpers over spans sorted by start.
import type { Span } from "./types";

/** Index of the first span starting at or after `pos` (spans sorted by start). */
export function lowerBound(spans: readonly Span[], pos: number): number {
  let lo = 0;
  let hi = spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (spans[mid].start < pos) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
