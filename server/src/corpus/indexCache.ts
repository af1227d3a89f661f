// A persisted index: each document's analysis, keyed by the file's size and modification time and by
// a hash of everything analysis depends on (catalog, user entities, analyzer version). A warm start
// reads the files but skips analysing the ones that did not change. Stored with v8 serialization in
// the extension's storage folder, written atomically; a cache that cannot be read is simply ignored.
import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import v8 from "node:v8";
import type { DocumentAnalysis } from "../analysis/types";

/** Bump when analysis output changes shape or meaning: old caches are then ignored. */
export const ANALYZER_VERSION = 1;

export interface CachedDocument {
  size: number;
  mtimeMs: number;
  analysis: DocumentAnalysis;
}

interface CacheFile {
  version: number;
  key: string;
  documents: Record<string, CachedDocument>;
}

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
      const data = v8.deserialize(await fs.readFile(this.file)) as CacheFile;
      if (data?.version !== ANALYZER_VERSION || data.key !== this.key || typeof data.documents !== "object") return false;
      this.documents = new Map(Object.entries(data.documents));
      return true;
    } catch {
      return false;
    }
  }

  /** The cached analysis of a file, if its size and modification time are unchanged. */
  lookup(uri: string, size: number, mtimeMs: number): DocumentAnalysis | undefined {
    const d = this.documents.get(uri);
    return d && d.size === size && d.mtimeMs === mtimeMs ? d.analysis : undefined;
  }

  put(uri: string, size: number, mtimeMs: number, analysis: DocumentAnalysis): void {
    this.documents.set(uri, { size, mtimeMs, analysis });
  }

  delete(uri: string): void {
    this.documents.delete(uri);
  }

  /** Everything analysis depends on changed: forget all entries. */
  reset(key: string): void {
    this.key = key;
    this.documents.clear();
  }

  /** Writes the cache atomically (temporary file, then rename). */
  async save(): Promise<void> {
    const data: CacheFile = { version: ANALYZER_VERSION, key: this.key, documents: Object.fromEntries(this.documents) };
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await fs.writeFile(tmp, v8.serialize(data));
    await fs.rename(tmp, this.file);
  }
}
