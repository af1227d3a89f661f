// Offsets ↔ (line, character) in UTF-16 code units, the LSP's position encoding. Lines end at
// \n, \r\n or a lone \r, as the LSP specification says. Every position handed out lies inside the
// text and never between the two halves of a surrogate pair.

export interface Position {
  line: number;
  character: number;
}

export class LineIndex {
  /** Offset at which each line starts. */
  readonly starts: number[];

  constructor(readonly text: string) {
    const starts = [0];
    if (text.indexOf("\r") < 0) {
      // The common case: \n only, found by the engine's own search rather than a loop per character.
      for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
    } else {
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 10) starts.push(i + 1);
        else if (c === 13) {
          if (text.charCodeAt(i + 1) === 10) i++;
          starts.push(i + 1);
        }
      }
    }
    this.starts = starts;
  }

  get lineCount(): number {
    return this.starts.length;
  }

  lineStart(line: number): number {
    return this.starts[line];
  }

  /** Offset just past the line's content (before its line break). */
  lineEnd(line: number): number {
    if (line + 1 >= this.starts.length) return this.text.length;
    let e = this.starts[line + 1];
    if (e > 0 && this.text.charCodeAt(e - 1) === 10) e--;
    if (e > 0 && this.text.charCodeAt(e - 1) === 13) e--;
    return e;
  }

  positionAt(offset: number): Position {
    const o = snap(this.text, Math.max(0, Math.min(offset, this.text.length)));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    // An offset between the \r and \n of a CRLF is not a position: it maps to the end of the line.
    return { line: lo, character: Math.min(o, this.lineEnd(lo)) - this.starts[lo] };
  }

  /** Clamps out-of-range lines and characters the way editors do (to the end of the line or text). */
  offsetAt(p: Position): number {
    if (!p || !Number.isFinite(p.line) || p.line < 0) return 0;
    // Positions are integers in the protocol; anything else (1.5, "2") is floored rather than trusted.
    const line = Math.floor(p.line);
    if (line >= this.starts.length) return this.text.length;
    const start = this.starts[line];
    const ch = Number.isFinite(p.character) ? Math.max(0, Math.floor(p.character)) : 0;
    return snap(this.text, Math.min(start + ch, this.lineEnd(line)));
  }
}

/** Moves an offset that falls between a high and a low surrogate back to the start of the pair. */
export function snap(text: string, offset: number): number {
  if (offset > 0 && offset < text.length) {
    const lo = text.charCodeAt(offset);
    const hi = text.charCodeAt(offset - 1);
    if (lo >= 0xdc00 && lo <= 0xdfff && hi >= 0xd800 && hi <= 0xdbff) return offset - 1;
  }
  return offset;
}
