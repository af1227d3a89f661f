// Analysis off the main thread: a small pool of worker threads, each holding its own catalog, so a
// 20 MB document or a 10,000-file start-up never blocks the requests the server must keep answering.
// Where workers cannot start (tests, a missing worker file) analysis runs in-process between yields.
import { Worker } from "node:worker_threads";
import fs from "node:fs";
import os from "node:os";
import type { EntityDef } from "../analysis/types";
import { Catalog, type UserEntity } from "../analysis/catalog";
import { analyzeDocument } from "../analysis/analyze";
import { packAnalysis, type PackedAnalysis } from "../analysis/packed";
import { lineTable } from "../analysis/lineTable";
import { readDiscoveredSourceSync } from "./sources";

/** What analysis hands back: the packed analysis and the document's line table. */
export interface AnalysisResult {
  packed: PackedAnalysis;
  lines: Int32Array;
}

/** A file read and analysed by a worker, or the reason it is not a source (binary, invalid UTF-8…). */
export type FileResult = ({ ok: true; size: number; mtimeMs: number } & AnalysisResult) | { ok: false; reason: string };

export function analyzeText(text: string, catalog: Catalog): AnalysisResult {
  return { packed: packAnalysis(analyzeDocument(text, catalog)), lines: lineTable(text) };
}

export function analyzeFile(file: string, maxBytes: number | undefined, catalog: Catalog): FileResult {
  const r = readDiscoveredSourceSync(file, maxBytes);
  if (!r.ok) return r;
  return { ok: true, size: r.size!, mtimeMs: r.mtimeMs!, ...analyzeText(r.text, catalog) };
}

/** The buffers a result can give away to the receiving thread. */
export function transferList(r: AnalysisResult | FileResult | undefined): ArrayBuffer[] {
  if (!r || !("packed" in r)) return [];
  return [r.packed.ints.buffer as ArrayBuffer, r.packed.nums.buffer as ArrayBuffer, r.lines.buffer as ArrayBuffer];
}

export interface AnalysisRequest {
  text: string;
  /** Requests for documents the user is looking at jump the queue. */
  urgent?: boolean;
  /**
   * The document the text belongs to (its uri). A newer text with the same key replaces one still
   * waiting in the queue: only the latest is analysed and the replaced caller receives that analysis
   * (callers check versions and drop it), so a flood of edits keeps one text per document queued.
   */
  key?: string;
}

/** A file to read and analyse in a worker (indexing: the main thread never holds its text). */
export interface FileRequest {
  file: string;
  maxBytes?: number;
}

type Job = (({ kind: "text" } & AnalysisRequest) | ({ kind: "file"; key?: undefined; urgent?: undefined } & FileRequest)) & {
  resolve: (a: never) => void;
  reject: (e: Error) => void;
};

export type WorkerMessage =
  | { type: "catalog"; builtin: EntityDef[]; user: UserEntity[] }
  | { type: "analyze"; id: number; text: string }
  | { type: "analyzeFile"; id: number; file: string; maxBytes?: number };
export type WorkerReply = { id: number; result?: AnalysisResult | FileResult; error?: string };

export class AnalysisPool {
  /** Jobs sent to each worker and not answered yet, oldest first (a worker answers in order). */
  private workers: Array<{ w: Worker; inFlight: Job[] }> = [];
  private queue: Job[] = [];
  #inProcess: Catalog | (() => Catalog);
  private nextId = 1;
  private disposed = false;

  constructor(
    private builtin: EntityDef[],
    private user: UserEntity[] = [],
    workerFile?: string,
    size = Math.max(1, Math.min(os.availableParallelism?.() ?? os.cpus().length, 4)),
    private log: (msg: string) => void = () => {},
    /** A catalog built (or to be built) from the same entries: building one takes a few hundred ms. */
    catalog?: () => Catalog,
  ) {
    this.#inProcess = catalog ?? (() => new Catalog(builtin, user));
    if (workerFile && fs.existsSync(workerFile)) this.unstarted = { file: workerFile, size };
  }

  /** Workers not started yet: a warm start that analyses nothing never pays for them. */
  private unstarted: { file: string; size: number } | undefined;

  /** Starts the worker threads (each builds its catalog, a few hundred ms); analysis starts them anyway. */
  start(): void {
    const u = this.unstarted;
    this.unstarted = undefined;
    if (u) for (let i = 0; i < u.size; i++) this.spawn(u.file);
  }

  get threads(): number {
    return this.workers.length + (this.unstarted?.size ?? 0);
  }

  private spawn(file: string): void {
    const w = new Worker(file);
    const slot = { w, inFlight: [] as Job[] };
    w.on("message", (msg: WorkerReply) => {
      const job = slot.inFlight.shift();
      if (job) {
        if (msg.result) (job.resolve as (r: unknown) => void)(msg.result);
        else job.reject(new Error(msg.error ?? "analysis failed"));
      }
      this.pump();
    });
    w.on("error", (e) => {
      this.log(`analysis worker failed: ${e.message}; continuing with the others`);
      this.workers = this.workers.filter((x) => x !== slot);
      this.queue.unshift(...slot.inFlight);
      this.pump();
    });
    w.postMessage({ type: "catalog", builtin: this.builtin, user: this.user } satisfies WorkerMessage);
    this.workers.push(slot);
  }

  setUserEntities(user: UserEntity[]): void {
    this.user = user;
    this.#inProcess = new Catalog(this.builtin, user);
    for (const s of this.workers) s.w.postMessage({ type: "catalog", builtin: this.builtin, user } satisfies WorkerMessage);
  }

  /** Reads and analyses a file in a worker, in indexing order (behind urgent requests). */
  analyzeFile(req: FileRequest): Promise<FileResult> {
    if (this.disposed) return Promise.reject(new Error("pool disposed"));
    this.start();
    return new Promise((resolve, reject) => {
      this.queue.push({ kind: "file", ...req, resolve: resolve as (a: never) => void, reject });
      this.pump();
    });
  }

  analyze(req: AnalysisRequest): Promise<AnalysisResult> {
    if (this.disposed) return Promise.reject(new Error("pool disposed"));
    this.start();
    return new Promise((resolve, reject) => {
      const job: Job = { kind: "text", ...req, resolve: resolve as (a: never) => void, reject };
      const i = req.key === undefined ? -1 : this.queue.findIndex((j) => j.key === req.key);
      if (i >= 0) {
        // Keep only the callbacks of the replaced job, not its text.
        const { resolve: before, reject: failBefore } = this.queue.splice(i, 1)[0];
        job.resolve = ((a: AnalysisResult) => (before(a as never), resolve(a))) as (a: never) => void;
        job.reject = (e) => (failBefore(e), reject(e));
      }
      if (req.urgent) this.queue.unshift(job);
      else this.queue.push(job);
      this.pump();
    });
  }

  private pumping = false;
  private pump(): void {
    if (this.workers.length === 0) {
      // In-process: one document per macrotask, so requests interleave with analysis.
      if (this.pumping) return;
      const job = this.queue.shift();
      if (!job) return;
      this.pumping = true;
      setImmediate(() => {
        try {
          const r = job.kind === "file" ? analyzeFile(job.file, job.maxBytes, this.catalog()) : analyzeText(job.text, this.catalog());
          (job.resolve as (r: unknown) => void)(r);
        } catch (e) {
          job.reject(e as Error);
        }
        this.pumping = false;
        this.pump();
      });
      return;
    }
    // Two jobs per worker: the next one is already there when it finishes, so a main thread busy
    // with a reply (or collecting garbage) does not leave the worker idle. An urgent job jumps the queue
    // and then waits for at most the two jobs its worker already has.
    for (let depth = 1; depth <= 2; depth++)
      for (const s of this.workers) {
        if (s.inFlight.length >= depth) continue;
        const job = this.queue.shift();
        if (!job) return;
        this.send(s, job);
      }
  }

  private send(s: { w: Worker; inFlight: Job[] }, job: Job): void {
    s.inFlight.push(job);
    const id = this.nextId++;
    s.w.postMessage((job.kind === "file" ? { type: "analyzeFile", id, file: job.file, maxBytes: job.maxBytes } : { type: "analyze", id, text: job.text }) satisfies WorkerMessage);
  }

  /** The catalog the analyses use (the main thread needs the same one for lookups). */
  catalog(): Catalog {
    if (typeof this.#inProcess === "function") this.#inProcess = this.#inProcess();
    return this.#inProcess;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    for (const j of this.queue) j.reject(new Error("pool disposed"));
    this.queue = [];
    await Promise.all(this.workers.map((s) => s.w.terminate()));
    this.workers = [];
  }
}
