// A persisted index: each document's packed analysis and line table, keyed by the file's size and
// modification time and by a hash of everything analysis depends on (catalog, user entities,
// analyzer version). A warm start stats the files and loads what did not change instead of reading
// and analysing it. Kept in the extension's storage folder, written atomically; a file that cannot
// be read (another version, truncated, garbage) is ignored, never trusted.
//
// The format is built for loading: a directory up front holds everything storing a document needs
// (counts, learned entities, entity summary, figure keys, string indexes); the typed arrays of each
// document follow in a bulk section and are read only when a feature first needs that document
// (reading and mapping all 100 MB at start-up cost more than the rest of a warm start). Every
// string (entity ids, cue words, figure keys, uris) is stored once for the whole index.
//
//   "MIDX" u32 format, u32 header length, header JSON { version, key, documents, strings,
//   stringBytes, directoryBytes } (padded to 8)
//   strings: u32 UTF-16 length × count, then the UTF-8 of all strings concatenated (padded to 8)
//   directory, per document:
//     u32 uri, language, learned (JSON of LearnedEntity[], or 0xffffffff: none), string count,
//     ints length, nums length, lines length, entity count, mention count, claim count, figure key
//     count, 0; f64 size, mtimeMs, bulk offset (from the file's start);
//     u32 entity ids × entity count, i32 entity summary rows (4 per entity), u32 figure keys ×
//     figure key count (each list padded to 8)
//   bulk, per document: i32 ints, f64 nums, i32 lines, u32 strings × string count (each padded to 8)
import { createHash } from "node:crypto";
import fsSync, { promises as fs } from "node:fs";
import path from "node:path";
import { claimCount, figureKeys, mentionCount, stringTable, type PackedAnalysis } from "../analysis/packed";
import { summarizeEntities, type EntitySummary } from "../analysis/entitySummary";
import type { LearnedEntity } from "../analysis/types";
import type { DeferredPacked } from "./corpus";

/** Bump when analysis output changes shape or meaning: old caches are then ignored. */
export const ANALYZER_VERSION = 4;
const MAGIC = 0x5844494d; // "MIDX"
const FORMAT = 4;
const NONE = 0xffffffff;
const FIXED = 12 * 4 + 3 * 8;

/** Where a document's arrays are in the index file, and how long each is. */
interface Bulk {
  fd: number;
  offset: number;
  ints: number;
  nums: number;
  lines: number;
  strings: number;
  /** The index's string table, which the document's string indexes point into. */
  table: readonly string[];
}

/** A string of the index's table, by index; an index past its end means the file is not to be trusted. */
function stringAt(table: readonly string[], k: number): string {
  const s = table[k];
  if (s === undefined) throw new Error("bad string index in the persisted index");
  return s;
}

/** Bytes of a document's arrays in the bulk section. */
const bulkBytes = (ints: number, nums: number, lines: number, strings: number) => align8(ints * 4) + nums * 8 + align8(lines * 4) + align8(strings * 4);

/**
 * One document of the index. Loaded from a file, its typed arrays stay on disk until `packed` or
 * `lines` is first read (the file stays open for that; a later save replaces it by a rename, so
 * what this reads never changes under it).
 */
export class CachedDocument implements DeferredPacked {
  #packed: PackedAnalysis | undefined;
  #lines: Int32Array | undefined;
  constructor(
    readonly size: number,
    readonly mtimeMs: number,
    /** The document's entity summary (kept so a warm start does not recompute it). */
    readonly entities: EntitySummary,
    private readonly meta: { language: PackedAnalysis["language"]; learned: LearnedEntity[]; mentionCount: number; claimCount: number; figureKeys: string[] },
    private bulk?: Bulk,
    packed?: PackedAnalysis,
    lines?: Int32Array,
  ) {
    this.#packed = packed;
    this.#lines = lines;
  }

  static of(size: number, mtimeMs: number, packed: PackedAnalysis, lines: Int32Array, entities: EntitySummary): CachedDocument {
    const meta = { language: packed.language, learned: packed.learned, mentionCount: mentionCount(packed), claimCount: claimCount(packed), figureKeys: [...figureKeys(packed)] };
    return new CachedDocument(size, mtimeMs, entities, meta, undefined, packed, lines);
  }

  get mentionCount(): number {
    return this.meta.mentionCount;
  }
  get claimCount(): number {
    return this.meta.claimCount;
  }
  get learned(): LearnedEntity[] {
    return this.meta.learned;
  }
  get figureKeys(): readonly string[] {
    return this.meta.figureKeys;
  }
  get packed(): PackedAnalysis {
    if (!this.#packed) this.read();
    return this.#packed!;
  }
  get lines(): Int32Array {
    if (!this.#lines) this.read();
    return this.#lines!;
  }

  private read(): void {
    const b = this.bulk!;
    const intsBytes = align8(b.ints * 4);
    const numsBytes = b.nums * 8;
    const linesBytes = align8(b.lines * 4);
    const bytes = bulkBytes(b.ints, b.nums, b.lines, b.strings);
    // Its own buffer, so the views are aligned and nothing else is kept alive by them.
    const buf = new ArrayBuffer(bytes);
    const got = fsSync.readSync(b.fd, new Uint8Array(buf), 0, bytes, b.offset);
    if (got !== bytes) throw new Error(`the persisted index was cut short (${got} of ${bytes} bytes at ${b.offset})`);
    const ids = new Uint32Array(buf, intsBytes + numsBytes + linesBytes, b.strings);
    const strings = new Array<string>(b.strings);
    for (let k = 0; k < b.strings; k++) strings[k] = stringAt(b.table, ids[k]);
    const { language, learned } = this.meta;
    this.#packed = { language, strings, learned, ints: new Int32Array(buf, 0, b.ints), nums: new Float64Array(buf, intsBytes, b.nums) };
    this.#lines = new Int32Array(buf, intsBytes + numsBytes, b.lines);
    this.bulk = undefined;
  }
}

interface Header {
  version: number;
  key: string;
  documents: number;
  strings: number;
  /** Bytes of UTF-8 after the string lengths. */
  stringBytes: number;
  /** Bytes of the directory, which follows the strings. */
  directoryBytes: number;
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
  /**
   * The index file that was loaded, open until the process ends: documents not read yet read their
   * arrays from it (a file handle that was garbage-collected would be closed under them).
   */
  private readonly opened: fs.FileHandle[] = [];

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

  private reading: Promise<Directory | undefined> | undefined;

  /** Starts reading the file's directory now (at initialize), while the server still waits for its settings. */
  prefetch(): void {
    this.reading ??= readDirectory(this.file);
    this.reading.catch(() => undefined);
  }

  /** Loads the cache if it exists and matches the key; otherwise starts empty. */
  async load(): Promise<boolean> {
    let dir: Directory | undefined;
    try {
      const pending = this.reading;
      this.reading = undefined;
      dir = await (pending ?? readDirectory(this.file));
      const docs = dir && decodeDirectory(dir, this.key);
      if (!dir || !docs) {
        await dir?.handle.close().catch(() => undefined);
        return false;
      }
      this.opened.push(dir.handle);
      this.documents = docs;
      this.dirty = false;
      return true;
    } catch {
      if (dir && !this.opened.includes(dir.handle)) await dir.handle.close().catch(() => undefined);
      return false;
    }
  }

  /** The cached analysis of a file, if its size and modification time are unchanged. */
  lookup(uri: string, size: number, mtimeMs: number): CachedDocument | undefined {
    const d = this.documents.get(uri);
    return d && d.size === size && d.mtimeMs === mtimeMs ? d : undefined;
  }

  /**
   * Like lookup, with the file's size and time read here (synchronous: 10,000 asynchronous stats
   * measured 0.2 s slower in all). A warm start reads them in a thread instead (fileStats.ts).
   */
  lookupFile(uri: string, file: string): CachedDocument | undefined {
    if (!this.documents.has(uri)) return undefined;
    try {
      const st = fsSync.statSync(file);
      return this.lookup(uri, st.size, st.mtimeMs);
    } catch {
      return undefined;
    }
  }

  put(uri: string, size: number, mtimeMs: number, packed: PackedAnalysis, lines: Int32Array, entities = summarizeEntities(packed)): void {
    this.documents.set(uri, CachedDocument.of(size, mtimeMs, packed, lines, entities));
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

/** The file's parts: header, strings and directory, then each document's arrays a few hundred at a time. */
function* encode(documents: Map<string, CachedDocument>, key: string): Generator<Buffer> {
  const { strings, indexOf: str } = stringTable();
  const entries = [...documents].map(([uri, d]) => ({
    uri: str(uri),
    language: str(d.packed.language),
    learned: d.learned.length ? str(JSON.stringify(d.learned)) : NONE,
    strings: d.packed.strings.map(str),
    entityIds: d.entities.ids.map(str),
    figureKeys: d.figureKeys.map(str),
    d,
  }));
  const utf8 = Buffer.from(strings.join(""), "utf8");
  const lengths = Buffer.alloc(strings.length * 4);
  strings.forEach((s, i) => lengths.writeUInt32LE(s.length, i * 4));
  const directoryBytes = entries.reduce((n, e) => n + FIXED + align8(e.entityIds.length * 4) + align8(e.entityIds.length * 16) + align8(e.figureKeys.length * 4), 0);
  const stringsBytes = align8(lengths.length + utf8.length);
  const header = Buffer.from(JSON.stringify({ version: ANALYZER_VERSION, key, documents: entries.length, strings: strings.length, stringBytes: utf8.length, directoryBytes } satisfies Header), "utf8");
  const head = Buffer.alloc(align8(12 + header.length));
  head.writeUInt32LE(MAGIC, 0);
  head.writeUInt32LE(FORMAT, 4);
  head.writeUInt32LE(header.length, 8);
  header.copy(head, 12);
  yield head;
  yield lengths;
  yield utf8;
  yield Buffer.alloc(stringsBytes - (lengths.length + utf8.length));
  const CHUNK = 250;
  let bulkAt = head.length + stringsBytes + directoryBytes;
  for (let i = 0; i < entries.length; i += CHUNK) {
    const parts: Buffer[] = [];
    for (const e of entries.slice(i, i + CHUNK)) {
      const { packed, lines, size, mtimeMs, entities } = e.d;
      const fixed = Buffer.alloc(FIXED);
      const counts = [e.uri, e.language, e.learned, e.strings.length, packed.ints.length, packed.nums.length, lines.length, e.entityIds.length, e.d.mentionCount, e.d.claimCount, e.figureKeys.length, 0];
      counts.forEach((v, k) => fixed.writeUInt32LE(v, k * 4));
      fixed.writeDoubleLE(size, 48);
      fixed.writeDoubleLE(mtimeMs, 56);
      fixed.writeDoubleLE(bulkAt, 64);
      bulkAt += bulkBytes(packed.ints.length, packed.nums.length, lines.length, e.strings.length);
      parts.push(fixed, u32s(e.entityIds), padded(entities.data), u32s(e.figureKeys));
    }
    yield Buffer.concat(parts);
  }
  for (let i = 0; i < entries.length; i += CHUNK) {
    const parts: Buffer[] = [];
    for (const e of entries.slice(i, i + CHUNK)) parts.push(padded(e.d.packed.ints), padded(e.d.packed.nums), padded(e.d.lines), u32s(e.strings));
    yield Buffer.concat(parts);
  }
}

function u32s(values: number[]): Buffer {
  const b = Buffer.alloc(align8(values.length * 4));
  values.forEach((v, k) => b.writeUInt32LE(v, k * 4));
  return b;
}

function padded(a: Int32Array | Float64Array): Buffer {
  const bytes = Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  const pad = align8(bytes.length) - bytes.length;
  return pad ? Buffer.concat([bytes, Buffer.alloc(pad)]) : Buffer.from(bytes);
}

/** The start of an index file, up to the end of its directory, and the file still open. */
interface Directory {
  handle: fs.FileHandle;
  fileSize: number;
  header: Header;
  /** Header, strings and directory, from the file's first byte (8-byte aligned for the views). */
  data: Buffer;
  /** Where the strings start in `data`. */
  stringsAt: number;
}

/** Reads the header, strings and directory of an index file; undefined if it is not one of this format. */
async function readDirectory(file: string): Promise<Directory | undefined> {
  const handle = await fs.open(file, "r");
  try {
    const { size: fileSize } = await handle.stat();
    const first = Buffer.alloc(12);
    if (fileSize < 12 || (await handle.read(first, 0, 12, 0)).bytesRead !== 12) throw new Error("too short");
    if (first.readUInt32LE(0) !== MAGIC || first.readUInt32LE(4) !== FORMAT) throw new Error("another format");
    const headerLength = first.readUInt32LE(8);
    if (12 + headerLength > fileSize) throw new Error("truncated index");
    const headerBuf = Buffer.alloc(headerLength);
    await handle.read(headerBuf, 0, headerLength, 12);
    const header = JSON.parse(headerBuf.toString("utf8")) as Header;
    const stringsAt = align8(12 + headerLength);
    const end = stringsAt + align8(header.strings * 4 + header.stringBytes) + header.directoryBytes;
    if (!Number.isSafeInteger(end) || end > fileSize) throw new Error("truncated index");
    const data = Buffer.from(new ArrayBuffer(end));
    if ((await handle.read(data, 0, end, 0)).bytesRead !== end) throw new Error("truncated index");
    return { handle, fileSize, header, data, stringsAt };
  } catch (e) {
    await handle.close().catch(() => undefined);
    if (e instanceof Error && /^(too short|another format|truncated index)$/.test(e.message)) return undefined;
    throw e;
  }
}

/** The documents of a directory written by encode, or undefined if it is another version or another key. */
function decodeDirectory(dir: Directory, key: string): Map<string, CachedDocument> | undefined {
  const { header, data, fileSize } = dir;
  if (header.version !== ANALYZER_VERSION || header.key !== key) return undefined;
  let at = dir.stringsAt;
  const lengths = new Uint32Array(data.buffer, data.byteOffset + at, header.strings);
  at += header.strings * 4;
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
  const need = (n: number) => {
    if (at + n > data.length) throw new Error("truncated index");
  };
  const string = (k: number) => stringAt(strings, k);
  const fd = dir.handle.fd;
  const docs = new Map<string, CachedDocument>();
  // Every record and list starts on 8 bytes: read through typed-array views, not Buffer reads.
  const words = new Uint32Array(data.buffer, data.byteOffset, data.length >> 2);
  const doubles = new Float64Array(data.buffer, data.byteOffset, data.length >> 3);
  for (let n = 0; n < header.documents; n++) {
    need(FIXED);
    const w = at >> 2;
    const stringCount = words[w + 3];
    const intsLength = words[w + 4];
    const numsLength = words[w + 5];
    const linesLength = words[w + 6];
    const entityCount = words[w + 7];
    const figureKeyCount = words[w + 10];
    const learned = words[w + 2];
    const meta = {
      language: string(words[w + 1]) as PackedAnalysis["language"],
      learned: learned === NONE ? [] : (JSON.parse(string(learned)) as LearnedEntity[]),
      mentionCount: words[w + 8],
      claimCount: words[w + 9],
      figureKeys: new Array<string>(figureKeyCount),
    };
    const uri = string(words[w]);
    const d = at >> 3;
    const size = doubles[d + 6];
    const mtimeMs = doubles[d + 7];
    const bulk: Bulk = { fd, offset: doubles[d + 8], ints: intsLength, nums: numsLength, lines: linesLength, strings: stringCount, table: strings };
    if (bulk.offset + bulkBytes(intsLength, numsLength, linesLength, stringCount) > fileSize) throw new Error("truncated index");
    at += FIXED;
    need(align8(entityCount * 4) + align8(entityCount * 16) + align8(figureKeyCount * 4));
    let k0 = at >> 2;
    const ids = new Array<string>(entityCount);
    for (let k = 0; k < entityCount; k++) ids[k] = string(words[k0 + k]);
    at += align8(entityCount * 4);
    const entities: EntitySummary = { ids, data: new Int32Array(data.buffer, data.byteOffset + at, entityCount * 4) };
    at += align8(entityCount * 16);
    k0 = at >> 2;
    for (let k = 0; k < figureKeyCount; k++) meta.figureKeys[k] = string(words[k0 + k]);
    at += align8(figureKeyCount * 4);
    docs.set(uri, new CachedDocument(size, mtimeMs, entities, meta, bulk));
  }
  return docs;
}
