// Line starts and ends of a document kept without its text, so positions of a document that is not
// in memory (a closed file, known only from its analysis) cost a binary search and no file read.
// Same conventions as LineIndex: lines end at \n, \r\n or a lone \r; a line's end excludes its break.
import type { Position } from "./lines";

/** Pairs (start, end of content) per line. */
export function lineTable(text: string): Int32Array {
  let n = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) n++;
  }
  const t = new Int32Array(n * 2);
  let line = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 13 && text.charCodeAt(i + 1) === 10) continue;
    if (c === 10 || c === 13) {
      t[line * 2 + 1] = c === 10 && i > 0 && text.charCodeAt(i - 1) === 13 ? i - 1 : i;
      line++;
      t[line * 2] = i + 1;
    }
  }
  t[line * 2 + 1] = text.length;
  return t;
}

/** Offset ↔ position over a line table. Offsets are analysis offsets (never inside a surrogate pair). */
export class StoredLines {
  constructor(private readonly table: Int32Array) {}

  get lineCount(): number {
    return this.table.length >> 1;
  }

  get length(): number {
    return this.table[this.table.length - 1];
  }

  lineStart(line: number): number {
    return this.table[line * 2];
  }

  lineEnd(line: number): number {
    return this.table[line * 2 + 1];
  }

  positionAt(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.length));
    let lo = 0;
    let hi = this.lineCount - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.table[mid * 2] <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: Math.min(o, this.lineEnd(lo)) - this.table[lo * 2] };
  }

  offsetAt(p: Position): number {
    if (!p || !Number.isFinite(p.line) || p.line < 0) return 0;
    const line = Math.floor(p.line);
    if (line >= this.lineCount) return this.length;
    const ch = Number.isFinite(p.character) ? Math.max(0, Math.floor(p.character)) : 0;
    return Math.min(this.lineStart(line) + ch, this.lineEnd(line));
  }
}
