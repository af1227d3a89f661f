// Analysis off the main thread: a small pool of worker threads, each holding its own catalog, so a
// 20 MB document or a 10,000-file start-up never blocks the requests the server must keep answering.
// Where workers cannot start (tests, a missing worker file) analysis runs in-process between yields.
import { Worker } from "node:worker_threads";
import fs from "node:fs";
import os from "node:os";
import type { DocumentAnalysis, EntityDef } from "../analysis/types";
import { Catalog, type UserEntity } from "../analysis/catalog";
import { analyzeDocument } from "../analysis/analyze";

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

interface Job extends AnalysisRequest {
  resolve: (a: DocumentAnalysis) => void;
  reject: (e: Error) => void;
}

export type WorkerMessage = { type: "catalog"; builtin: EntityDef[]; user: UserEntity[] } | { type: "analyze"; id: number; text: string };
export type WorkerReply = { id: number; analysis?: DocumentAnalysis; error?: string };

export class AnalysisPool {
  private workers: Array<{ w: Worker; busy: Job | undefined; id: number }> = [];
  private queue: Job[] = [];
  private inProcess: Catalog;
  private nextId = 1;
  private disposed = false;

  constructor(
    private builtin: EntityDef[],
    private user: UserEntity[] = [],
    workerFile?: string,
    size = Math.max(1, Math.min(os.availableParallelism?.() ?? os.cpus().length, 4)),
    private log: (msg: string) => void = () => {},
    /** A catalog already built from the same entries (building one takes a few hundred ms). */
    catalog?: Catalog,
  ) {
    this.inProcess = catalog ?? new Catalog(builtin, user);
    if (workerFile && fs.existsSync(workerFile)) {
      for (let i = 0; i < size; i++) this.spawn(workerFile);
    }
  }

  get threads(): number {
    return this.workers.length;
  }

  private spawn(file: string): void {
    const w = new Worker(file);
    const slot = { w, busy: undefined as Job | undefined, id: 0 };
    w.on("message", (msg: WorkerReply) => {
      const job = slot.busy;
      slot.busy = undefined;
      if (job) {
        if (msg.analysis) job.resolve(msg.analysis);
        else job.reject(new Error(msg.error ?? "analysis failed"));
      }
      this.pump();
    });
    w.on("error", (e) => {
      this.log(`analysis worker failed: ${e.message}; continuing with the others`);
      const job = slot.busy;
      this.workers = this.workers.filter((x) => x !== slot);
      if (job) this.queue.unshift(job);
      this.pump();
    });
    w.postMessage({ type: "catalog", builtin: this.builtin, user: this.user } satisfies WorkerMessage);
    this.workers.push(slot);
  }

  setUserEntities(user: UserEntity[]): void {
    this.user = user;
    this.inProcess = new Catalog(this.builtin, user);
    for (const s of this.workers) s.w.postMessage({ type: "catalog", builtin: this.builtin, user } satisfies WorkerMessage);
  }

  analyze(req: AnalysisRequest): Promise<DocumentAnalysis> {
    if (this.disposed) return Promise.reject(new Error("pool disposed"));
    return new Promise((resolve, reject) => {
      const job: Job = { ...req, resolve, reject };
      const i = req.key === undefined ? -1 : this.queue.findIndex((j) => j.key === req.key);
      if (i >= 0) {
        // Keep only the callbacks of the replaced job, not its text.
        const { resolve: before, reject: failBefore } = this.queue.splice(i, 1)[0];
        job.resolve = (a) => (before(a), resolve(a));
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
          job.resolve(analyzeDocument(job.text, this.inProcess));
        } catch (e) {
          job.reject(e as Error);
        }
        this.pumping = false;
        this.pump();
      });
      return;
    }
    for (const s of this.workers) {
      if (s.busy) continue;
      const job = this.queue.shift();
      if (!job) return;
      s.busy = job;
      s.w.postMessage({ type: "analyze", id: this.nextId++, text: job.text } satisfies WorkerMessage);
    }
  }

  /** The catalog the analyses use (the main thread needs the same one for lookups). */
  catalog(): Catalog {
    return this.inProcess;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    for (const j of this.queue) j.reject(new Error("pool disposed"));
    this.queue = [];
    await Promise.all(this.workers.map((s) => s.w.terminate()));
    this.workers = [];
  }
}
