// A trie over UTF-16 code units, compiled into flat typed arrays on first use: a dense table for the
// root (most positions of a text fail there) and, for every other node, a sorted run of
// (code unit, child) pairs. Scans walk the trie from each start position; catalog names are short,
// so a walk rarely takes more than two or three steps, and no match object is made for a candidate
// that is not kept.

export interface Match {
  start: number;
  end: number;
  /** Index of the pattern in the order it was added. */
  pattern: number;
}

/** Whether the match text[start, end) of `pattern` counts (boundary rules). */
export type AcceptMatch = (start: number, end: number, pattern: number) => boolean;

export interface ScanOptions {
  /**
   * Skip start positions in the middle of an ASCII word (an ASCII letter or digit after another):
   * for callers whose boundary rules reject such matches anyway, this saves walking the trie from
   * most positions of an English text.
   */
  wordStartsOnly?: boolean;
}

const isAsciiWord = (c: number) => (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);

export class PatternMatcher {
  // Build-time trie: one Map per node (CJK alphabets are large and sparse).
  private next: Array<Map<number, number>> = [new Map()];
  /** Pattern ending exactly at this node, or -1. */
  private out: number[] = [-1];
  private lengths: number[] = [];
  private compiled: CompiledTrie | undefined;

  get size(): number {
    return this.lengths.length;
  }

  /** Adds a pattern (already folded) and returns its index. Duplicate patterns share one index. */
  add(pattern: string): number {
    if (this.compiled) throw new Error("PatternMatcher: add after build");
    let node = 0;
    for (let i = 0; i < pattern.length; i++) {
      const c = pattern.charCodeAt(i);
      let to = this.next[node].get(c);
      if (to === undefined) {
        to = this.next.length;
        this.next.push(new Map());
        this.out.push(-1);
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

  private trie(): CompiledTrie {
    return (this.compiled ??= compile(this.next, this.out, this.lengths));
  }

  /** Every occurrence of every pattern in text[from, to), overlapping ones included, ordered by end. */
  findAll(text: string, from = 0, to = text.length): Match[] {
    const found: Match[] = [];
    this.forEach(text, (start, end, pattern) => void found.push({ start, end, pattern }), from, to);
    return found.sort((a, b) => a.end - b.end || b.end - b.start - (a.end - a.start));
  }

  /** Calls `fn` for every occurrence in text[from, to), by start, then by length. */
  forEach(text: string, fn: (start: number, end: number, pattern: number) => void, from = 0, to = text.length, options: ScanOptions = {}): void {
    const t = this.trie();
    if (this.lengths.length === 0) return;
    const { root, childStart, childChar, childNode, out } = t;
    const wordStartsOnly = options.wordStartsOnly === true;
    for (let s = from; s < to; s++) {
      const c = text.charCodeAt(s);
      if (wordStartsOnly && s > 0 && isAsciiWord(c) && isAsciiWord(text.charCodeAt(s - 1))) continue;
      let node = root[c];
      let j = s + 1;
      while (node !== 0) {
        if (out[node] >= 0) fn(s, j, out[node]);
        if (j >= to) break;
        node = child(childStart, childChar, childNode, node, text.charCodeAt(j));
        j++;
      }
    }
  }

  /**
   * Leftmost-longest matches in text[from, to) that `accept` lets through: non-overlapping,
   * preferring the earliest start and, among those, the longest accepted match. The same result as
   * selectLongest(findAll(text), accept), without materializing the rejected and overlapped ones.
   */
  findLongest(text: string, accept: AcceptMatch = () => true, options: ScanOptions = {}): Match[] {
    const t = this.trie();
    const chosen: Match[] = [];
    if (this.lengths.length === 0) return chosen;
    const { root, childStart, childChar, childNode, out, ends } = t;
    const wordStartsOnly = options.wordStartsOnly === true;
    const to = text.length;
    let s = 0;
    while (s < to) {
      const c = text.charCodeAt(s);
      let node = root[c];
      if (node === 0 || (wordStartsOnly && s > 0 && isAsciiWord(c) && isAsciiWord(text.charCodeAt(s - 1)))) {
        s++;
        continue;
      }
      // Terminals along the walk, shortest first; then try them longest first.
      let found = 0;
      let j = s + 1;
      while (node !== 0) {
        if (out[node] >= 0) ends[found++] = node;
        if (j >= to) break;
        node = child(childStart, childChar, childNode, node, text.charCodeAt(j));
        j++;
      }
      let next = s + 1;
      for (let k = found - 1; k >= 0; k--) {
        const p = out[ends[k]];
        const end = s + t.lengths[p];
        if (accept(s, end, p)) {
          chosen.push({ start: s, end, pattern: p });
          next = end;
          break;
        }
      }
      s = next;
    }
    return chosen;
  }
}

interface CompiledTrie {
  /** Child of the root for each code unit (0: none; node 0 is the root). */
  root: Int32Array;
  /** Children of node n: childChar/childNode[childStart[n], childStart[n + 1]), sorted by code unit. */
  childStart: Int32Array;
  childChar: Uint16Array;
  childNode: Int32Array;
  out: Int32Array;
  lengths: Int32Array;
  /** Scratch for the terminals met on one walk (at most one per character of the longest pattern). */
  ends: Int32Array;
}

function compile(next: Array<Map<number, number>>, outList: number[], lengthList: number[]): CompiledTrie {
  // Number the nodes breadth-first, so the first levels (where almost every walk ends) sit together
  // in memory instead of scattered in insertion order.
  const order = [0];
  for (let q = 0; q < order.length; q++) for (const to of next[order[q]].values()) order.push(to);
  const id = new Int32Array(next.length);
  order.forEach((old, i) => (id[old] = i));
  const n = order.length;
  const childStart = new Int32Array(n + 1);
  const out = new Int32Array(n);
  let edges = 0;
  for (let i = 0; i < n; i++) {
    childStart[i] = edges;
    edges += next[order[i]].size;
    out[i] = outList[order[i]];
  }
  childStart[n] = edges;
  const childChar = new Uint16Array(edges);
  const childNode = new Int32Array(edges);
  for (let i = 0; i < n; i++) {
    const kids = [...next[order[i]]].sort((a, b) => a[0] - b[0]);
    kids.forEach(([c, to], k) => {
      childChar[childStart[i] + k] = c;
      childNode[childStart[i] + k] = id[to];
    });
  }
  const root = new Int32Array(0x10000);
  for (const [c, to] of next[0]) root[c] = id[to];
  const maxLength = lengthList.reduce((m, l) => Math.max(m, l), 0);
  return { root, childStart, childChar, childNode, out, lengths: Int32Array.from(lengthList), ends: new Int32Array(maxLength + 1) };
}

/** The child of `node` on code unit `c`, or 0. Most nodes have one or two children: scan short runs. */
function child(childStart: Int32Array, childChar: Uint16Array, childNode: Int32Array, node: number, c: number): number {
  let lo = childStart[node];
  let hi = childStart[node + 1];
  while (hi - lo > 8) {
    const mid = (lo + hi) >> 1;
    if (childChar[mid] < c) lo = mid + 1;
    else hi = mid + 1; // hi is exclusive: keep mid, it may be c
  }
  for (; lo < hi; lo++) {
    const k = childChar[lo];
    if (k === c) return childNode[lo];
    if (k > c) return 0;
  }
  return 0;
}

/**
 * Leftmost-longest selection: keeps non-overlapping matches, preferring the earliest start and,
 * among those, the longest. `accept` filters candidates first (boundary rules).
 */
export function selectLongest<M extends Match>(matches: M[], accept: (m: M) => boolean = () => true): M[] {
  const ok = matches.filter(accept).sort((a, b) => a.start - b.start || b.end - a.end);
  const chosen: M[] = [];
  let reach = -1;
  for (const m of ok) {
    if (m.start < reach) continue;
    chosen.push(m);
    reach = m.end;
  }
  return chosen;
}
