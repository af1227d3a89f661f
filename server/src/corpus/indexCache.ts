// A persisted index: each document's analysis, keyed by the file's size and modification time and by
// a hash of everything analysis depends on (catalog, user entities, analyzer version). A warm start
// reads the files but skips analysing the ones that did not change. Stored with v8 serialization in
// the extension's storage folder, written atomically; a cache that cannot be read is simply ignored.
import { createHash } from "node:crypto";
import fsSync, { promises as fs } from "node:fs";
import path from "node:path";
import v8 from "node:v8";
import type { PackedAnalysis } from "../analysis/packed";

/** Bump when analysis output changes shape or meaning: old caches are then ignored. */
export const ANALYZER_VERSION = 2;

export interface CachedDocument {
  size: number;
  mtimeMs: number;
  packed: PackedAnalysis;
  lines: Int32Array;
}

/**
 * File layout: a sequence of chunks, each a 4-byte little-endian length and a v8-serialized value;
 * the first is the header `{ version, key }`, every other one `Record<uri, CachedDocument>` for a
 * few hundred documents. Chunks let both writing and reading yield to requests between them
 * instead of freezing the server for seconds on a 100 MB corpus.
 */
interface Header {
  version: number;
  key: string;
}
const CHUNK_DOCUMENTS = 250;
const yieldToRequests = () => new Promise<void>((r) => setImmediate(r));

export function cacheKey(...parts: unknown[]): string {
  const h = createHash("sha256");
  h.update(String(ANALYZER_VERSION));
  for (const p of parts) h.update(JSON.stringify(p) ?? "");
  return h.digest("hex").slice(0, 32);
}

export class IndexCache {
  private documents = new Map<string, CachedDocument>();

  constructor(
    private readonly file: string,
    private key: string,
  ) {}

  get size(): number {
    return this.documents.size;
  }

  /** Loads the cache if it exists and matches the key; otherwise starts empty. */
  async load(): Promise<boolean> {
    try {
      const buf = await fs.readFile(this.file);
      let at = 0;
      const next = (): unknown => {
        if (at + 4 > buf.length) return undefined;
        const len = buf.readUInt32LE(at);
        if (at + 4 + len > buf.length) throw new Error("truncated");
        const v = v8.deserialize(buf.subarray(at + 4, at + 4 + len));
        at += 4 + len;
        return v;
      };
      const header = next() as Header | undefined;
      if (header?.version !== ANALYZER_VERSION || header.key !== this.key) return false;
      const docs = new Map<string, CachedDocument>();
      for (let chunk = next(); chunk !== undefined; chunk = next()) {
        for (const [uri, d] of Object.entries(chunk as Record<string, CachedDocument>)) docs.set(uri, d);
        await yieldToRequests();
      }
      this.documents = docs;
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

  put(uri: string, size: number, mtimeMs: number, packed: PackedAnalysis, lines: Int32Array): void {
    this.documents.set(uri, { size, mtimeMs, packed, lines });
  }

  delete(uri: string): void {
    this.documents.delete(uri);
  }

  /** Everything analysis depends on changed: forget all entries. */
  reset(key: string): void {
    this.key = key;
    this.documents.clear();
  }

  /** Writes the cache atomically (temporary file, then rename), a chunk at a time. */
  async save(): Promise<void> {
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    const out = await fs.open(tmp, "w");
    try {
      const write = async (value: unknown) => {
        const body = v8.serialize(value);
        const len = Buffer.alloc(4);
        len.writeUInt32LE(body.length);
        await out.write(len);
        await out.write(body);
      };
      await write({ version: ANALYZER_VERSION, key: this.key } satisfies Header);
      const entries = [...this.documents];
      for (let i = 0; i < entries.length; i += CHUNK_DOCUMENTS) {
        await write(Object.fromEntries(entries.slice(i, i + CHUNK_DOCUMENTS)));
        await yieldToRequests();
      }
    } catch (e) {
      await out.close().catch(() => undefined);
      await fs.rm(tmp, { force: true });
      throw e;
    }
    await out.close();
    await fs.rename(tmp, this.file);
  }
}
