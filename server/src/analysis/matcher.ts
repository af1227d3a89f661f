// A small Aho–Corasick automaton over UTF-16 code units. Measured about 2× faster than the npm
// packages on these texts (see shared/notes/chinese-text.md), and it needs nothing but arrays.

export interface Match {
  start: number;
  end: number;
  /** Index of the pattern in the order it was added. */
  pattern: number;
}

export class PatternMatcher {
  // Node state in parallel arrays: transitions as one Map per node (CJK alphabets are large and sparse).
  private next: Array<Map<number, number>> = [new Map()];
  private fail: number[] = [0];
  /** Pattern ending exactly at this node, or -1. */
  private out: number[] = [-1];
  /** Nearest node on the failure chain that ends a pattern, or -1. */
  private dict: number[] = [-1];
  private lengths: number[] = [];
  private built = false;
  /** The root's transitions as a flat table (most steps of a scan start or fall back to the root). */
  private root = new Int32Array(0);

  get size(): number {
    return this.lengths.length;
  }

  /** Adds a pattern (already folded) and returns its index. Duplicate patterns share one index. */
  add(pattern: string): number {
    if (this.built) throw new Error("PatternMatcher: add after build");
    let node = 0;
    for (let i = 0; i < pattern.length; i++) {
      const c = pattern.charCodeAt(i);
      let to = this.next[node].get(c);
      if (to === undefined) {
        to = this.next.length;
        this.next.push(new Map());
        this.fail.push(0);
        this.out.push(-1);
        this.dict.push(-1);
        this.next[node].set(c, to);
      }
      node = to;
    }
    if (this.out[node] === -1) {
      this.out[node] = this.lengths.length;
      this.lengths.push(pattern.length);
    }
    return this.out[node];
  }

  private build(): void {
    const queue: number[] = [];
    for (const to of this.next[0].values()) queue.push(to);
    for (let q = 0; q < queue.length; q++) {
      const node = queue[q];
      for (const [c, to] of this.next[node]) {
        let f = this.fail[node];
        while (f !== 0 && !this.next[f].has(c)) f = this.fail[f];
        const target = this.next[f].get(c);
        this.fail[to] = target !== undefined && target !== to ? target : 0;
        const ft = this.fail[to];
        this.dict[to] = this.out[ft] !== -1 ? ft : this.dict[ft];
        queue.push(to);
      }
    }
    this.root = new Int32Array(0x10000);
    for (const [c, to] of this.next[0]) this.root[c] = to;
    this.built = true;
  }

  /** Every occurrence of every pattern in text[from, to), overlapping ones included, ordered by end. */
  findAll(text: string, from = 0, to = text.length): Match[] {
    if (!this.built) this.build();
    const found: Match[] = [];
    if (this.lengths.length === 0) return found;
    const root = this.root;
    let node = 0;
    for (let i = from; i < to; i++) {
      const c = text.charCodeAt(i);
      let t = node === 0 ? root[c] : this.next[node].get(c);
      while (t === undefined && node !== 0) {
        node = this.fail[node];
        t = node === 0 ? root[c] : this.next[node].get(c);
      }
      node = t ?? 0;
      let o = this.out[node] !== -1 ? node : this.dict[node];
      while (o !== -1) {
        const p = this.out[o];
        found.push({ start: i + 1 - this.lengths[p], end: i + 1, pattern: p });
        o = this.dict[o];
      }
    }
    return found;
  }
}

/**
 * Leftmost-longest selection: keeps non-overlapping matches, preferring the earliest start and,
 * among those, the longest. `accept` filters candidates first (boundary rules).
 */
export function selectLongest(matches: Match[], accept: (m: Match) => boolean = () => true): Match[] {
  const ok = matches.filter(accept).sort((a, b) => a.start - b.start || b.end - a.end);
  const chosen: Match[] = [];
  let reach = -1;
  for (const m of ok) {
    if (m.start < reach) continue;
    chosen.push(m);
    reach = m.end;
  }
  return chosen;
}
