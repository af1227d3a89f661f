// Cue lexicons (server/data/cues.json) compiled once into one trie, scanned leftmost-longest in a
// single pass. Every list (rumor, unconfirmed, speculation, negation, disputed, reporting verbs,
// source nouns, and the `ignore` false friends) lives in the same trie, so one scan answers all of
// them and overlapping entries resolve the way a reader would: 据说 (rumor) hides its 说 (verb),
// 不可能 (ignored) hides its 可能 (speculation), "could not be independently verified" hides "could".
//
// English entries are matched case-insensitively on word boundaries (may ≠ mayor) and a space in an
// entry matches any run of whitespace; Chinese entries match anywhere. `ignoreExact` cancels a match
// whose surface is exactly one of its strings: capitalized "May" is the month (or a name), never
// speculation. Offsets are UTF-16 code units into the text; matches never split a surrogate pair
// (every entry starts and ends on a BMP character).

import lexicon from "../../data/cues.json";
import type { Cue, CueKind, Span } from "./types";

export type LexKind = CueKind | "verb" | "source";

/** One lexicon hit: a cue, a reporting verb or a source noun. */
export interface LexHit extends Span {
  kind: LexKind;
  /** The surface text as it appears in the document. */
  word: string;
}

export interface ReportingVerb extends Span {
  word: string;
}

interface Lexicon {
  rumor: string[];
  unconfirmed: string[];
  speculation: string[];
  negation: string[];
  disputed: string[];
  reportingVerbs: string[];
  sourceNouns: string[];
  combos?: Partial<Record<CueKind, string[][][]>>;
  ignore: string[];
  ignoreExact?: string[];
  windowed?: { kind: CueKind; first: string[]; then: string[]; maxGap: number }[];
  qualifierFillers: string[];
  concessives: string[];
  speakerLabelStop: string[];
  turnResetLabels: string[];
}

const LEX = lexicon as unknown as Lexicon;

// Kind codes stored in trie terminals. Lower code wins when the same string is listed twice.
const K_IGNORE = 1;
const KINDS: (LexKind | undefined)[] = [undefined, undefined, "negation", "unconfirmed", "rumor", "disputed", "speculation", "verb", "source"];
/** Terminal codes from K_WINDOW on are the first words of windowed rules (index = code - K_WINDOW). */
const K_WINDOW = 100;
const WINDOWED = LEX.windowed ?? [];
/** Characters a windowed rule never looks across. */
const windowHeadFirst = new Set(WINDOWED.flatMap((r) => r.then.map((t) => t.charCodeAt(0))));
const WINDOW_STOP = new Set([..."，,。.；;：:！!？?、“”\"「」（）()\n\r"].map((c) => c.charCodeAt(0)));

function isWordCode(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f;
}

function isWs(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0xa0 || c === 0x3000 || c === 0x0c || c === 0x0b || (c >= 0x2000 && c <= 0x200a) || c === 0x202f || c === 0x205f;
}

/** Case-folds ASCII, maps curly apostrophes to ', whitespace to a plain space. */
function fold(c: number): number {
  if (c >= 0x41 && c <= 0x5a) return c + 32;
  if (c === 0x2019 || c === 0x2018) return 0x27;
  if (isWs(c)) return 0x20;
  return c;
}

// The trie lives in flat arrays, built in place (135 K nodes once the combos are expanded: a Map
// per node cost about 0.1 s at startup and made scans chase pointers). Node 0 is the root; the
// children of a node form a linked list (firstChild / nextSibling), and edgeChar[k] is the code
// unit that leads to node k. The root's children are also found by the raw code unit of the text
// (folding included) in rootByRaw, so the common case (a character no entry starts with) costs one
// table read.
// Built on the first scan, not when the module loads: a server starting from its persisted index
// may analyse nothing at all, and the build is a tenth of its start-up.
let firstChild = new Int32Array(0);
let nextSibling = new Int32Array(0);
let edgeChar = new Uint16Array(0);
/** 0 = not a terminal; otherwise an index into KINDS (or K_WINDOW + a windowed rule). */
let nodeKind = new Uint16Array(0);
/** The entry ends with an ASCII letter or digit: the match must end on a word boundary. */
let latinEnd = new Uint8Array(0);
let nodeCount = 1;
let rootByRaw: Int32Array | undefined;
const ignoreExact = new Set(LEX.ignoreExact ?? []);

/** The child of `node` on (folded) code unit `c`, or 0. */
function childOf(node: number, c: number): number {
  for (let k = firstChild[node]; k !== 0; k = nextSibling[k]) if (edgeChar[k] === c) return k;
  return 0;
}

function add(word: string, kind: number): void {
  const w = /\s/.test(word) ? word.replace(/\s+/g, " ").trim() : word;
  if (!w) return;
  let node = 0;
  for (let i = 0; i < w.length; i++) {
    const c = fold(w.charCodeAt(i));
    let n = childOf(node, c);
    if (n === 0) {
      n = nodeCount++;
      edgeChar[n] = c;
      nextSibling[n] = firstChild[node];
      firstChild[node] = n;
    }
    node = n;
  }
  if (nodeKind[node] === 0 || kind < nodeKind[node]) nodeKind[node] = kind;
  latinEnd[node] = isWordCode(w.charCodeAt(w.length - 1)) ? 1 : 0;
}

function expand(slots: string[][]): string[] {
  let acc = [""];
  for (const slot of slots) {
    const next: string[] = [];
    for (const a of acc) for (const s of slot) next.push(a + s);
    acc = next;
  }
  return acc;
}

/** Every entry with its kind code, in the order they are added (a lower code wins on a tie). */
function collectEntries(): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  for (const w of LEX.ignore) out.push([w, K_IGNORE]);
  const lists: [LexKind, string[]][] = [
    ["negation", LEX.negation],
    ["unconfirmed", LEX.unconfirmed],
    ["rumor", LEX.rumor],
    ["disputed", LEX.disputed],
    ["speculation", LEX.speculation],
    ["verb", LEX.reportingVerbs],
    ["source", LEX.sourceNouns],
  ];
  WINDOWED.forEach((rule, r) => {
    for (const w of rule.first) out.push([w, K_WINDOW + r]);
  });
  for (const [kind, words] of lists) {
    const code = KINDS.indexOf(kind);
    for (const w of words) out.push([w, code]);
    const combos = LEX.combos?.[kind as CueKind];
    if (combos) for (const c of combos) for (const w of expand(c)) out.push([w, code]);
  }
  return out;
}

function build(): Int32Array {
  const entries = collectEntries();
  const capacity = 1 + entries.reduce((n, [w]) => n + w.length, 0);
  firstChild = new Int32Array(capacity);
  nextSibling = new Int32Array(capacity);
  edgeChar = new Uint16Array(capacity);
  nodeKind = new Uint16Array(capacity);
  latinEnd = new Uint8Array(capacity);
  nodeCount = 1;
  const rootByRaw = new Int32Array(0x10000);
  for (const [w, kind] of entries) add(w, kind);
  for (let k = firstChild[0]; k !== 0; k = nextSibling[k]) rootByRaw[edgeChar[k]] = k;
  // The code units fold() changes: A–Z, curly apostrophes, and whitespace (a space never starts an entry).
  for (let c = 0x41; c <= 0x5a; c++) rootByRaw[c] = rootByRaw[c + 32];
  rootByRaw[0x2018] = rootByRaw[0x2019] = rootByRaw[0x27];
  for (let c = 0; c < 0x10000; c++) if (isWs(c)) rootByRaw[c] = 0;
  return rootByRaw;
}

/** Builds the lexicon's tables now rather than in the first scan (before a first keystroke, say). */
export function prepareLexicon(): void {
  rootByRaw ??= build();
}

function clampSpan(text: string, span?: Span): [number, number] {
  const s = span ? Math.max(0, Math.min(span.start, text.length)) : 0;
  const e = span ? Math.max(s, Math.min(span.end, text.length)) : text.length;
  return [s, e];
}

/**
 * Every lexicon hit in `text` (or in `span` of it), in order, non-overlapping, leftmost-longest.
 * One pass; cost is linear in the span (times the length of the longest entry in the worst case).
 */
export function scanLexicon(text: string, span?: Span): LexHit[] {
  const [start, end] = clampSpan(text, span);
  const roots = (rootByRaw ??= build());
  const out: LexHit[] = [];
  const n = text.length;
  let i = start;
  while (i < end) {
    const c = text.charCodeAt(i);
    let node = roots[c];
    // An English entry cannot start in the middle of a word.
    if (node === 0 || (isWordCode(c) && i > 0 && isWordCode(text.charCodeAt(i - 1)))) {
      i++;
      continue;
    }
    let j = i + 1;
    let best = 0;
    let bestEnd = 0;
    while (node !== 0) {
      const k = nodeKind[node];
      if (k !== 0 && (latinEnd[node] === 0 || j >= n || !isWordCode(text.charCodeAt(j)))) {
        best = k;
        bestEnd = j;
      }
      if (j >= end || firstChild[node] === 0) break;
      const d = text.charCodeAt(j);
      if (isWs(d)) {
        node = childOf(node, 0x20);
        j++;
        while (j < end && isWs(text.charCodeAt(j))) j++;
        continue;
      }
      node = childOf(node, fold(d));
      j++;
    }
    if (best === 0) {
      i++;
      continue;
    }
    if (best >= K_WINDOW) {
      const rule = WINDOWED[best - K_WINDOW];
      let hit = -1;
      for (let k = bestEnd; k < end && k <= bestEnd + rule.maxGap && hit < 0; k++) {
        const ck = text.charCodeAt(k);
        if (WINDOW_STOP.has(ck)) break;
        if (!windowHeadFirst.has(ck)) continue;
        for (const t of rule.then)
          if (k + t.length <= end && text.startsWith(t, k)) {
            hit = k + t.length;
            break;
          }
      }
      if (hit > 0) {
        out.push({ start: i, end: hit, kind: rule.kind, word: text.slice(i, hit) });
        i = hit;
      } else i = bestEnd;
      continue;
    }
    if (best !== K_IGNORE) {
      const word = text.slice(i, bestEnd);
      if (!ignoreExact.has(word)) out.push({ start: i, end: bestEnd, kind: KINDS[best]!, word });
    }
    i = bestEnd;
  }
  return out;
}

const CUE_KINDS = new Set<LexKind>(["rumor", "unconfirmed", "speculation", "negation", "disputed"]);

/** Rumor, unconfirmed, speculation, disputed and negation cues, raw: negation is not applied here (claims.ts does it per clause). */
export function findCues(text: string, span?: Span): Cue[] {
  const out: Cue[] = [];
  for (const h of scanLexicon(text, span)) if (CUE_KINDS.has(h.kind)) out.push({ start: h.start, end: h.end, kind: h.kind as CueKind, word: h.word });
  return out;
}

/** Reporting verbs (说, 表示, 报道, said, according to…). */
export function findReportingVerbs(text: string, span?: Span): ReportingVerb[] {
  const out: ReportingVerb[] = [];
  for (const h of scanLexicon(text, span)) if (h.kind === "verb") out.push({ start: h.start, end: h.end, word: h.word });
  return out;
}

/** Named-source nouns (消息人士, 报告, analysts, sources…). */
export function findSourceNouns(text: string, span?: Span): ReportingVerb[] {
  const out: ReportingVerb[] = [];
  for (const h of scanLexicon(text, span)) if (h.kind === "source") out.push({ start: h.start, end: h.end, word: h.word });
  return out;
}

/** The non-cue word lists of cues.json, for claims.ts. */
export const lexiconLists = {
  qualifierFillers: LEX.qualifierFillers,
  concessives: LEX.concessives,
  speakerLabelStop: LEX.speakerLabelStop,
  turnResetLabels: LEX.turnResetLabels,
};
