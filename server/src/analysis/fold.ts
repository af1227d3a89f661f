// Script folding (DESIGN.md §4): every text is matched in a folded form — traditional → simplified
// (OpenCC character data), full-width → half-width and other NFKC compatibility forms, case folding,
// one middle dot and one hyphen — with an offset map back to the original so ranges stay exact.
//
// Folding works per UTF-16 code unit through a 64K table, so for almost every text the folded string
// has the same length as the original and the offset map is the identity (no array at all). Only the
// rare compatibility characters whose NFKC form has another length (㈱, ﬁ, ½…) produce a real map.
import { Converter } from "opencc-js/t2cn";

export interface FoldedText {
  /** The folded text. */
  text: string;
  /**
   * For each folded code unit, the original offset it came from, plus one final entry for the end;
   * undefined when folding kept every offset (the common case).
   */
  map?: Uint32Array;
}

const MIDDLE_DOTS = "·・•‧･∙⋅●";
const HYPHENS = "‐‑‒–−﹣－";

let single: Uint16Array | undefined;
let expand: Map<number, string> | undefined;
/** 1 for the code units in `expand` (a per-character Map lookup cost more than the folding itself). */
let expands: Uint8Array | undefined;

function buildTables(): void {
  const table = new Uint16Array(0x10000);
  const wide = new Map<number, string>();
  for (let c = 0; c < 0x10000; c++) {
    table[c] = c;
    if (c >= 0xd800 && c <= 0xdfff) continue; // surrogates pass through untouched
    const ch = String.fromCharCode(c);
    let f = ch.normalize("NFKC");
    const lower = f.toLowerCase();
    if (lower.length === f.length) f = lower;
    if (f.length === 1) table[c] = f.charCodeAt(0);
    else if (f.length > 1 && f.trim().length > 0) wide.set(c, f);
  }
  // Traditional → simplified, one character at a time so offsets stay 1:1. Taiwan and Hong Kong
  // variant tables first, then plain traditional; characters OpenCC maps to several are left as they are.
  const ranges: Array<[number, number]> = [
    [0x3400, 0x4dbf],
    [0x4e00, 0x9fff],
    [0xf900, 0xfaff],
  ];
  const chars: string[] = [];
  for (const [a, b] of ranges) for (let c = a; c <= b; c++) chars.push(String.fromCharCode(table[c]));
  const joined = chars.join("\n");
  for (const from of ["t", "hk", "tw"] as const) {
    const out = Converter({ from, to: "cn" })(joined).split("\n");
    if (out.length !== chars.length) continue;
    let i = 0;
    for (const [a, b] of ranges)
      for (let c = a; c <= b; c++, i++) if (out[i].length === 1 && out[i] !== chars[i]) table[c] = out[i].charCodeAt(0);
  }
  for (const d of MIDDLE_DOTS) table[d.charCodeAt(0)] = 0xb7;
  for (const h of HYPHENS) table[h.charCodeAt(0)] = 0x2d;
  table[0x3000] = 0x20; // ideographic space
  single = table;
  expand = wide;
  expands = new Uint8Array(0x10000);
  for (const c of wide.keys()) expands[c] = 1;
}

/** The folded form of one string (for catalog names and queries); same rules as foldText. */
export function foldString(s: string): string {
  return foldText(s).text;
}

export function foldText(text: string): FoldedText {
  if (!single) buildTables();
  const table = single!;
  const wide = expand!;
  const widens = expands!;
  const n = text.length;
  const out = new Uint16Array(n);
  let widening = 0;
  let changed = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    const f = table[c];
    out[i] = f;
    changed |= f ^ c;
    widening |= widens[c];
  }
  const needsMap = widening !== 0;
  // Nothing folded (simplified Chinese without Latin capitals, most catalog lookups): the text itself.
  if (!needsMap) return { text: changed === 0 ? text : decode(out) };
  // Rare path: some characters expand; build the folded text and the offset map together.
  const parts: number[] = [];
  const map: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    const w = wide.get(c);
    if (w === undefined) {
      parts.push(table[c]);
      map.push(i);
    } else {
      for (let k = 0; k < w.length; k++) {
        parts.push(w.charCodeAt(k));
        map.push(i);
      }
    }
  }
  map.push(n);
  return { text: decode(Uint16Array.from(parts)), map: Uint32Array.from(map) };
}

// Buffer's UTF-16 decoder keeps every unit as it is (lone surrogates and a leading BOM included),
// which the length-preserving contract needs; TextDecoder would drop a BOM.
function decode(units: Uint16Array): string {
  // String.fromCharCode keeps every unit as well, and is cheaper than a Buffer for short strings.
  if (units.length <= 64) return String.fromCharCode.apply(null, units as unknown as number[]);
  return Buffer.from(units.buffer, units.byteOffset, units.byteLength).toString("utf16le");
}

/** Maps a folded range back to the original text's offsets. */
export function toOriginal(f: FoldedText, start: number, end: number): { start: number; end: number } {
  if (!f.map) return { start, end };
  const s = f.map[start];
  // The end maps to just after the original unit that produced the last folded unit.
  const e = end > start ? nextOriginal(f.map, end - 1) : s;
  return { start: s, end: e };
}

function nextOriginal(map: Uint32Array, i: number): number {
  const o = map[i];
  let j = i + 1;
  while (j < map.length - 1 && map[j] === o) j++;
  return map[j];
}
