// A persisted index: each document's packed analysis and line table, keyed by the file's size and
// modification time and by a hash of everything analysis depends on (catalog, user entities,
// analyzer version). A warm start stats the files and loads what did not change instead of reading
// and analysing it. Kept in the extension's storage folder, written atomically; a file that cannot
// be read (another version, truncated, garbage) is ignored, never trusted.
//
// The format is built for loading: the typed arrays of every document are views into the one buffer
// read from disk (no copy, no per-document deserialization), and every string (entity ids, cue
// words, figure keys, uris) is stored once for the whole index.
//
//   "MIDX" u32 format, u32 header length, header JSON { version, key, documents, strings }
//   strings: u32 UTF-16 length × count, then the UTF-8 of all strings concatenated (padded to 8;
//   its byte length is in the header)
//   per document (each typed array 8-byte aligned):
//     u32 uri, u32 language, u32 learned (JSON of LearnedEntity[], or 0xffffffff: none),
//     u32 string count, u32 ints length, u32 nums length, u32 lines length, u32 entity count,
//     f64 size, f64 mtimeMs, u32 strings × string count (padded to 8), i32 ints, f64 nums, i32 lines,
//     u32 entity ids × entity count (padded to 8), i32 entity summary rows (4 per entity)
import { createHash } from "node:crypto";
import fsSync, { promises as fs } from "node:fs";
import path from "node:path";
import { stringTable, type PackedAnalysis } from "../analysis/packed";
import { summarizeEntities, type EntitySummary } from "../analysis/entitySummary";
import type { LearnedEntity } from "../analysis/types";

/** Bump when analysis output changes shape or meaning: old caches are then ignored. */
export const ANALYZER_VERSION = 4;
const MAGIC = 0x5844494d; // "MIDX"
const FORMAT = 2;
const NONE = 0xffffffff;
const FIXED = 8 * 4 + 2 * 8;

export interface CachedDocument {
  size: number;
  mtimeMs: number;
  packed: PackedAnalysis;
  lines: Int32Array;
  /** The document's entity summary (kept so a warm start does not recompute it). */
  entities: EntitySummary;
}

interface Header {
  version: number;
  key: string;
  documents: number;
  strings: number;
  /** Bytes of UTF-8 after the string lengths. */
  stringBytes: number;
}

const yieldToRequests = () => new Promise<void>((r) => setImmediate(r));
const align8 = (n: number) => (n + 7) & ~7;

export function cacheKey(...parts: unknown[]): string {
  const h = createHash("sha256");
  h.update(String(ANALYZER_VERSION));
  for (const p of parts) h.update(JSON.stringify(p) ?? "");
  return h.digest("hex").slice(0, 32);
}

export class IndexCache {
  private documents = new Map<string, CachedDocument>();
  /** Whether something changed since the file was read or written (a warm start writes nothing). */
  private dirty = false;

  constructor(
    private readonly file: string,
    private key: string,
  ) {}

  get size(): number {
    return this.documents.size;
  }

  get changed(): boolean {
    return this.dirty;
  }

  private reading: Promise<Buffer> | undefined;

  /** Starts reading the file now (at initialize), while the server still waits for its settings. */
  prefetch(): void {
    this.reading ??= fs.readFile(this.file);
    this.reading.catch(() => undefined);
  }

  /** Loads the cache if it exists and matches the key; otherwise starts empty. */
  async load(): Promise<boolean> {
    try {
      const pending = this.reading;
      this.reading = undefined;
      const buf = await (pending ?? fs.readFile(this.file));
      const docs = decode(buf, this.key);
      if (!docs) return false;
      this.documents = docs;
      this.dirty = false;
      return true;
    } catch {
      return false;
    }
  }

  /** The cached analysis of a file, if its size and modification time are unchanged. */
  lookup(uri: string, size: number, mtimeMs: number): CachedDocument | undefined {
    const d = this.documents.get(uri);
    return d && d.size === size && d.mtimeMs === mtimeMs ? d : undefined;
  }

  /** Like lookup, with the file's size and time read here (a stat is all a warm start costs per file). */
  lookupFile(uri: string, file: string): CachedDocument | undefined {
    const d = this.documents.get(uri);
    if (!d) return undefined;
    try {
      const st = fsSync.statSync(file);
      return st.size === d.size && st.mtimeMs === d.mtimeMs ? d : undefined;
    } catch {
      return undefined;
    }
  }

  put(uri: string, size: number, mtimeMs: number, packed: PackedAnalysis, lines: Int32Array, entities = summarizeEntities(packed)): void {
    this.documents.set(uri, { size, mtimeMs, packed, lines, entities });
    this.dirty = true;
  }

  delete(uri: string): void {
    if (this.documents.delete(uri)) this.dirty = true;
  }

  /** Everything analysis depends on changed: forget all entries. */
  reset(key: string): void {
    if (key !== this.key || this.documents.size > 0) this.dirty = true;
    this.key = key;
    this.documents.clear();
  }

  /** Writes the cache atomically (temporary file, then rename), yielding to requests between parts. */
  async save(): Promise<void> {
    if (!this.dirty) return;
    this.dirty = false;
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    const out = await fs.open(tmp, "w");
    try {
      for (const part of encode(this.documents, this.key)) {
        await out.write(part);
        await yieldToRequests();
      }
    } catch (e) {
      this.dirty = true;
      await out.close().catch(() => undefined);
      await fs.rm(tmp, { force: true });
      throw e;
    }
    await out.close();
    await fs.rename(tmp, this.file);
    // Indexes of earlier versions (index-v1.bin…) are never read again: do not leave them behind.
    const dir = path.dirname(this.file);
    for (const name of await fs.readdir(dir).catch(() => [] as string[]))
      if (/^index-v\d+\.bin$/.test(name) && name !== path.basename(this.file)) await fs.rm(path.join(dir, name), { force: true }).catch(() => undefined);
  }
}

/** The file's parts: header and strings, then documents a few hundred at a time. */
function* encode(documents: Map<string, CachedDocument>, key: string): Generator<Buffer> {
  const { strings, indexOf: str } = stringTable();
  const entries = [...documents].map(([uri, d]) => ({
    uri: str(uri),
    language: str(d.packed.language),
    learned: d.packed.learned.length ? str(JSON.stringify(d.packed.learned)) : NONE,
    strings: d.packed.strings.map(str),
    entityIds: d.entities.ids.map(str),
    d,
  }));
  const utf8 = Buffer.from(strings.join(""), "utf8");
  const lengths = Buffer.alloc(strings.length * 4);
  strings.forEach((s, i) => lengths.writeUInt32LE(s.length, i * 4));
  const header = Buffer.from(JSON.stringify({ version: ANALYZER_VERSION, key, documents: entries.length, strings: strings.length, stringBytes: utf8.length } satisfies Header), "utf8");
  const head = Buffer.alloc(align8(12 + header.length));
  head.writeUInt32LE(MAGIC, 0);
  head.writeUInt32LE(FORMAT, 4);
  head.writeUInt32LE(header.length, 8);
  header.copy(head, 12);
  yield head;
  yield lengths;
  yield utf8;
  yield Buffer.alloc(align8(lengths.length + utf8.length) - (lengths.length + utf8.length));
  const CHUNK = 250;
  for (let i = 0; i < entries.length; i += CHUNK) {
    const parts: Buffer[] = [];
    for (const e of entries.slice(i, i + CHUNK)) {
      const { packed, lines, size, mtimeMs, entities } = e.d;
      const fixed = Buffer.alloc(FIXED);
      [e.uri, e.language, e.learned, e.strings.length, packed.ints.length, packed.nums.length, lines.length, e.entityIds.length].forEach((v, k) => fixed.writeUInt32LE(v, k * 4));
      fixed.writeDoubleLE(size, 32);
      fixed.writeDoubleLE(mtimeMs, 40);
      const ids = Buffer.alloc(align8(e.strings.length * 4));
      e.strings.forEach((v, k) => ids.writeUInt32LE(v, k * 4));
      const entityIds = Buffer.alloc(align8(e.entityIds.length * 4));
      e.entityIds.forEach((v, k) => entityIds.writeUInt32LE(v, k * 4));
      parts.push(fixed, ids, padded(packed.ints), padded(packed.nums), padded(lines), entityIds, padded(entities.data));
    }
    yield Buffer.concat(parts);
  }
}

function padded(a: Int32Array | Float64Array): Buffer {
  const bytes = Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  const pad = align8(bytes.length) - bytes.length;
  return pad ? Buffer.concat([bytes, Buffer.alloc(pad)]) : Buffer.from(bytes);
}

/** The documents of a file written by encode, or undefined if it is another version or another key. */
function decode(buf: Buffer, key: string): Map<string, CachedDocument> | undefined {
  if (buf.length < 12 || buf.readUInt32LE(0) !== MAGIC || buf.readUInt32LE(4) !== FORMAT) return undefined;
  const headerLength = buf.readUInt32LE(8);
  const header = JSON.parse(buf.toString("utf8", 12, 12 + headerLength)) as Header;
  if (header.version !== ANALYZER_VERSION || header.key !== key) return undefined;
  // Typed-array views need aligned offsets: a buffer that does not start on 8 bytes is copied once.
  const data = buf.byteOffset % 8 === 0 ? buf : Buffer.from(buf);
  let at = align8(12 + headerLength);
  const need = (n: number) => {
    if (at + n > data.length) throw new Error("truncated index");
  };
  need(header.strings * 4);
  const lengths = new Uint32Array(data.buffer, data.byteOffset + at, header.strings);
  at += header.strings * 4;
  need(header.stringBytes);
  // All strings decoded as one, then cut by their UTF-16 lengths.
  const all = data.toString("utf8", at, at + header.stringBytes);
  const strings = new Array<string>(header.strings);
  let p = 0;
  for (let i = 0; i < strings.length; i++) {
    strings[i] = all.slice(p, p + lengths[i]);
    p += lengths[i];
  }
  if (p !== all.length) throw new Error("bad string table");
  at = align8(at + header.stringBytes);
  const docs = new Map<string, CachedDocument>();
  const u32 = (k: number) => data.readUInt32LE(at + k * 4);
  for (let n = 0; n < header.documents; n++) {
    need(FIXED);
    const [uri, language, learned, stringCount, intsLength, numsLength, linesLength, entityCount] = [0, 1, 2, 3, 4, 5, 6, 7].map(u32);
    const size = data.readDoubleLE(at + 32);
    const mtimeMs = data.readDoubleLE(at + 40);
    at += FIXED;
    need(align8(stringCount * 4));
    const ids = new Uint32Array(data.buffer, data.byteOffset + at, stringCount);
    at += align8(stringCount * 4);
    need(align8(intsLength * 4) + numsLength * 8 + align8(linesLength * 4));
    const ints = new Int32Array(data.buffer, data.byteOffset + at, intsLength);
    at += align8(intsLength * 4);
    const nums = new Float64Array(data.buffer, data.byteOffset + at, numsLength);
    at += numsLength * 8;
    const lines = new Int32Array(data.buffer, data.byteOffset + at, linesLength);
    at += align8(linesLength * 4);
    need(align8(entityCount * 4) + align8(entityCount * 16));
    const entityIds = new Uint32Array(data.buffer, data.byteOffset + at, entityCount);
    at += align8(entityCount * 4);
    const entities: EntitySummary = { ids: Array.from(entityIds, (k) => strings[k]), data: new Int32Array(data.buffer, data.byteOffset + at, entityCount * 4) };
    at += align8(entityCount * 16);
    const docStrings = new Array<string>(stringCount);
    for (let k = 0; k < stringCount; k++) if ((docStrings[k] = strings[ids[k]]) === undefined) throw new Error("bad string index");
    const packed: PackedAnalysis = {
      language: strings[language] as PackedAnalysis["language"],
      strings: docStrings,
      ints,
      nums,
      learned: learned === NONE ? [] : (JSON.parse(strings[learned]) as LearnedEntity[]),
    };
    docs.set(strings[uri], { size, mtimeMs, packed, lines, entities });
  }
  return docs;
}
