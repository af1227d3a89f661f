// A document's analysis in a compact form: two typed arrays and a small string table instead of
// hundreds of thousands of small objects. Workers send it to the main thread with the buffers
// transferred (no copy, no deserialization), the corpus keeps it as it is, and the persisted index
// stores it. Objects (Mention, Claim, Figure) are rebuilt only when a feature asks for them.
//
// Layout of `ints` (all offsets in code units of the document):
//   header   [mentions, sentences, figures, claims, listLength]
//   mentions start, end, entity (string), flags (via | full << 3 | gloss << 4)        × MENTION
//   sentences start, end                                                           × SENTENCE
//   figures  start, end, kind, flags, qualifier, currency, classifier, noun, display, key, subject × FIGURE
//   claims   start, end, certainty, speaker name, speaker entity, speaker start, speaker end, verb, list offset × CLAIM
//   lists    per claim: cue count, (start, end, kind, word) × count, entity count, ids, figure count, indexes
// `nums` holds each figure's value and high end (NaN: none). Strings are indexes into `strings`, -1 = none.
import type { Certainty, Claim, CueKind, DocumentAnalysis, Figure, FigureKind, LearnedEntity, Mention, MentionSource, Qualifier, Span } from "./types";

export interface PackedAnalysis {
  language: DocumentAnalysis["language"];
  strings: string[];
  ints: Int32Array;
  nums: Float64Array;
  learned: LearnedEntity[];
}

const HEADER = 5;
const MENTION = 4;
const SENTENCE = 2;
const FIGURE = 11;
const CLAIM = 9;

const VIA: MentionSource[] = ["catalog", "gloss", "learned", "candidate", "user"];
const KINDS: FigureKind[] = ["count", "currency", "percent", "multiple", "year", "date", "duration", "number"];
const QUALIFIERS: Qualifier[] = ["about", "over", "under", "nearly", "at-least", "at-most", "up-to"];
const CERTAINTIES: Certainty[] = ["asserted", "attributed", "hedged", "unverified", "rumor", "disputed"];
const CUE_KINDS: CueKind[] = ["rumor", "unconfirmed", "speculation", "negation", "disputed"];

const F_APPROXIMATE = 1;
const F_CHINESE = 2;

/** Packs an analysis. Surfaces and figure texts are not stored: they are slices of the document. */
/** A table of distinct strings: `indexOf` adds a string the first time and returns its index. */
export function stringTable(): { strings: string[]; indexOf: (s: string) => number } {
  const strings: string[] = [];
  const index = new Map<string, number>();
  return {
    strings,
    indexOf(s: string): number {
      let i = index.get(s);
      if (i === undefined) {
        i = strings.length;
        strings.push(s);
        index.set(s, i);
      }
      return i;
    },
  };
}

export function packAnalysis(a: DocumentAnalysis): PackedAnalysis {
  const { strings, indexOf } = stringTable();
  const str = (s: string | undefined): number => (s === undefined ? -1 : indexOf(s));
  let listLength = 0;
  for (const c of a.claims) listLength += 3 + c.cues.length * 4 + c.entityIds.length + c.figures.length;
  const ints = new Int32Array(HEADER + a.mentions.length * MENTION + a.sentences.length * SENTENCE + a.figures.length * FIGURE + a.claims.length * CLAIM + listLength);
  const nums = new Float64Array(a.figures.length * 2);
  ints[0] = a.mentions.length;
  ints[1] = a.sentences.length;
  ints[2] = a.figures.length;
  ints[3] = a.claims.length;
  ints[4] = listLength;
  let p = HEADER;
  for (const m of a.mentions) {
    ints[p++] = m.start;
    ints[p++] = m.end;
    ints[p++] = str(m.entityId);
    ints[p++] = VIA.indexOf(m.via) | (m.full ? 8 : 0) | (m.gloss ? 16 : 0);
  }
  for (const s of a.sentences) {
    ints[p++] = s.start;
    ints[p++] = s.end;
  }
  a.figures.forEach((f, i) => {
    ints[p++] = f.start;
    ints[p++] = f.end;
    ints[p++] = KINDS.indexOf(f.kind);
    ints[p++] = (f.approximate ? F_APPROXIMATE : 0) | (f.chineseNumerals ? F_CHINESE : 0);
    ints[p++] = f.qualifier ? QUALIFIERS.indexOf(f.qualifier) : -1;
    ints[p++] = str(f.currency);
    ints[p++] = str(f.classifier);
    ints[p++] = str(f.noun);
    ints[p++] = str(f.display);
    ints[p++] = str(f.key);
    ints[p++] = str(f.subject);
    nums[i * 2] = f.value;
    nums[i * 2 + 1] = f.high ?? NaN;
  });
  let l = p + a.claims.length * CLAIM;
  for (const c of a.claims) {
    ints[p++] = c.start;
    ints[p++] = c.end;
    ints[p++] = CERTAINTIES.indexOf(c.certainty);
    ints[p++] = str(c.speaker?.name);
    ints[p++] = str(c.speaker?.entityId);
    ints[p++] = c.speaker?.span ? c.speaker.span.start : -1;
    ints[p++] = c.speaker?.span ? c.speaker.span.end : -1;
    ints[p++] = str(c.verb);
    ints[p++] = l;
    ints[l++] = c.cues.length;
    for (const q of c.cues) {
      ints[l++] = q.start;
      ints[l++] = q.end;
      ints[l++] = CUE_KINDS.indexOf(q.kind);
      ints[l++] = str(q.word);
    }
    ints[l++] = c.entityIds.length;
    for (const id of c.entityIds) ints[l++] = str(id);
    ints[l++] = c.figures.length;
    for (const f of c.figures) ints[l++] = f;
  }
  return { language: a.language, strings, ints, nums, learned: a.learned };
}

export const mentionCount = (p: PackedAnalysis) => p.ints[0];
export const figureCount = (p: PackedAnalysis) => p.ints[2];
export const claimCount = (p: PackedAnalysis) => p.ints[3];

/** The distinct figure keys of a packed analysis. */
export function figureKeys(p: PackedAnalysis): Set<string> {
  const keys = new Set<string>();
  const n = figureCount(p);
  for (let i = 0; i < n; i++) {
    const k = figureKey(p, i);
    if (k >= 0) keys.add(p.strings[k]);
  }
  return keys;
}

const mentionBase = () => HEADER;
const sentenceBase = (p: PackedAnalysis) => HEADER + p.ints[0] * MENTION;
const figureBase = (p: PackedAnalysis) => sentenceBase(p) + p.ints[1] * SENTENCE;
const claimBase = (p: PackedAnalysis) => figureBase(p) + p.ints[2] * FIGURE;

export function mentionStart(p: PackedAnalysis, i: number): number {
  return p.ints[mentionBase() + i * MENTION];
}

export function mentionEnd(p: PackedAnalysis, i: number): number {
  return p.ints[mentionBase() + i * MENTION + 1];
}

/** The string-table index of mention i's entity id. */
export function mentionEntity(p: PackedAnalysis, i: number): number {
  return p.ints[mentionBase() + i * MENTION + 2];
}

export function mentionIsFull(p: PackedAnalysis, i: number): boolean {
  return (p.ints[mentionBase() + i * MENTION + 3] & 8) !== 0;
}

export function mentionIsGloss(p: PackedAnalysis, i: number): boolean {
  return (p.ints[mentionBase() + i * MENTION + 3] & 16) !== 0;
}

/** The document's text, or a way to read it when it is not kept in memory. */
export type TextSource = string | (() => string);

/** Mention i: a plain object when the text is at hand, else one that reads its surface when asked. */
export function unpackMention(p: PackedAnalysis, i: number, text: TextSource): Mention {
  const b = mentionBase() + i * MENTION;
  const ints = p.ints;
  const flags = ints[b + 3];
  const start = ints[b];
  const end = ints[b + 1];
  if (typeof text !== "string") return storedMention(p, i, text);
  const m: Mention = { start, end, entityId: p.strings[ints[b + 2]], surface: text.slice(start, end), via: VIA[flags & 7], full: (flags & 8) !== 0 };
  if (flags & 16) m.gloss = true;
  return m;
}

/** Mention i for cross-document lists (references of an entity): its surface is read only if asked for. */
export function storedMention(p: PackedAnalysis, i: number, text: () => string): Mention {
  const b = mentionBase() + i * MENTION;
  const flags = p.ints[b + 3];
  return new StoredMention(p.ints[b], p.ints[b + 1], p.strings[p.ints[b + 2]], VIA[flags & 7], (flags & 8) !== 0, (flags & 16) !== 0, text);
}

class StoredMention implements Mention {
  gloss?: boolean;
  readonly #text: () => string;
  constructor(
    readonly start: number,
    readonly end: number,
    readonly entityId: string,
    readonly via: MentionSource,
    readonly full: boolean,
    gloss: boolean,
    text: () => string,
  ) {
    if (gloss) this.gloss = true;
    this.#text = text;
  }
  get surface(): string {
    return this.#text().slice(this.start, this.end);
  }

  toJSON(): Mention {
    return { start: this.start, end: this.end, entityId: this.entityId, surface: this.surface, via: this.via, full: this.full, ...(this.gloss ? { gloss: true } : {}) };
  }
}

export function unpackFigure(p: PackedAnalysis, i: number, text: TextSource): Figure {
  const b = figureBase(p) + i * FIGURE;
  const ints = p.ints;
  const f: Figure = typeof text === "string" ? ({ start: ints[b], end: ints[b + 1], text: text.slice(ints[b], ints[b + 1]) } as Figure) : (new StoredFigure(ints[b], ints[b + 1], text) as unknown as Figure);
  f.kind = KINDS[ints[b + 2]];
  f.value = p.nums[i * 2];
  f.display = p.strings[ints[b + 8]];
  f.chineseNumerals = (ints[b + 3] & F_CHINESE) !== 0;
  const s = (k: number) => (ints[b + k] >= 0 ? p.strings[ints[b + k]] : undefined);
  const high = p.nums[i * 2 + 1];
  if (!Number.isNaN(high)) f.high = high;
  if (ints[b + 3] & F_APPROXIMATE) f.approximate = true;
  if (ints[b + 4] >= 0) f.qualifier = QUALIFIERS[ints[b + 4]];
  const currency = s(5);
  if (currency !== undefined) f.currency = currency;
  const classifier = s(6);
  if (classifier !== undefined) f.classifier = classifier;
  const noun = s(7);
  if (noun !== undefined) f.noun = noun;
  const key = s(9);
  if (key !== undefined) f.key = key;
  const subject = s(10);
  if (subject !== undefined) f.subject = subject;
  return f;
}

/** A figure of a document whose text is not in memory: its text is read only when asked for. */
class StoredFigure {
  readonly #text: () => string;
  constructor(
    readonly start: number,
    readonly end: number,
    text: () => string,
  ) {
    this.#text = text;
  }
  get text(): string {
    return this.#text().slice(this.start, this.end);
  }
  toJSON(): Figure {
    return { ...(this as unknown as Figure), text: this.text };
  }
}

/** The figure key of figure i (string-table index, -1: none). */
export function figureKey(p: PackedAnalysis, i: number): number {
  return p.ints[figureBase(p) + i * FIGURE + 9];
}

export function figureStart(p: PackedAnalysis, i: number): number {
  return p.ints[figureBase(p) + i * FIGURE];
}

export function figureEnd(p: PackedAnalysis, i: number): number {
  return p.ints[figureBase(p) + i * FIGURE + 1];
}

export function claimStart(p: PackedAnalysis, i: number): number {
  return p.ints[claimBase(p) + i * CLAIM];
}

export function claimCertainty(p: PackedAnalysis, i: number): Certainty {
  return CERTAINTIES[p.ints[claimBase(p) + i * CLAIM + 2]];
}

export function claimEnd(p: PackedAnalysis, i: number): number {
  return p.ints[claimBase(p) + i * CLAIM + 1];
}

export function unpackClaim(p: PackedAnalysis, i: number): Claim {
  const ints = p.ints;
  const b = claimBase(p) + i * CLAIM;
  let l = ints[b + 8];
  const cues = new Array(ints[l++]);
  for (let k = 0; k < cues.length; k++, l += 4) cues[k] = { start: ints[l], end: ints[l + 1], kind: CUE_KINDS[ints[l + 2]], word: p.strings[ints[l + 3]] };
  const entityIds: string[] = new Array(ints[l++]);
  for (let k = 0; k < entityIds.length; k++) entityIds[k] = p.strings[ints[l++]];
  const figures: number[] = new Array(ints[l++]);
  for (let k = 0; k < figures.length; k++) figures[k] = ints[l++];
  const claim: Claim = { start: ints[b], end: ints[b + 1], certainty: CERTAINTIES[ints[b + 2]], cues, entityIds, figures };
  if (ints[b + 3] >= 0) {
    claim.speaker = { name: p.strings[ints[b + 3]] };
    if (ints[b + 4] >= 0) claim.speaker.entityId = p.strings[ints[b + 4]];
    if (ints[b + 5] >= 0) claim.speaker.span = { start: ints[b + 5], end: ints[b + 6] };
  }
  if (ints[b + 7] >= 0) claim.verb = p.strings[ints[b + 7]];
  return claim;
}

/**
 * Every object back; `text` is the document the analysis was made from. Each list is rebuilt when it
 * is first read: diagnostics read claims and figures, and never pay for the mentions.
 */
export function unpackAnalysis(p: PackedAnalysis, text: TextSource): DocumentAnalysis {
  return new UnpackedAnalysis(p, text);
}

class UnpackedAnalysis implements DocumentAnalysis {
  readonly language: DocumentAnalysis["language"];
  readonly learned: DocumentAnalysis["learned"];
  #mentions: Mention[] | undefined;
  #sentences: Span[] | undefined;
  #figures: Figure[] | undefined;
  #claims: Claim[] | undefined;
  constructor(
    private readonly p: PackedAnalysis,
    private readonly source: TextSource,
  ) {
    this.language = p.language;
    this.learned = p.learned;
  }
  get mentions(): Mention[] {
    return (this.#mentions ??= Array.from({ length: this.p.ints[0] }, (_, i) => unpackMention(this.p, i, this.source)));
  }
  get sentences(): Span[] {
    const sb = sentenceBase(this.p);
    return (this.#sentences ??= Array.from({ length: this.p.ints[1] }, (_, i) => ({ start: this.p.ints[sb + i * 2], end: this.p.ints[sb + i * 2 + 1] })));
  }
  get figures(): Figure[] {
    return (this.#figures ??= Array.from({ length: this.p.ints[2] }, (_, i) => unpackFigure(this.p, i, this.source)));
  }
  get claims(): Claim[] {
    return (this.#claims ??= Array.from({ length: this.p.ints[3] }, (_, i) => unpackClaim(this.p, i)));
  }
  toJSON(): DocumentAnalysis {
    return { language: this.language, mentions: this.mentions, learned: this.learned, figures: this.figures, sentences: this.sentences, claims: this.claims };
  }
}

/**
 * Index of the last item whose start is at or before `offset` (items sorted by start), or -1.
 * `startOf` reads an item's start.
 */
export function lastStartingAtOrBefore(count: number, offset: number, startOf: (i: number) => number): number {
  let lo = 0;
  let hi = count - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (startOf(mid) <= offset) lo = mid + 1;
    else hi = mid - 1;
  }
  return hi;
}
