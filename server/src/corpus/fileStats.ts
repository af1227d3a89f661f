// The size and modification time of many files, read in a worker thread: a warm start compares
// 10,000 files with the persisted index, and their stat calls (about 0.1 s) run there while the main
// thread decodes the index. Where a worker cannot start, the files are stated here.
import { Worker } from "node:worker_threads";
import fs from "node:fs";

/** Per file, in the order given: its size and modification time, NaN when it could not be stated. */
export interface FileStats {
  size: Float64Array;
  mtimeMs: Float64Array;
}

/** Stats the files one by one in this thread (the worker's body, and its fallback). */
export function statFilesSync(files: readonly string[]): FileStats {
  const size = new Float64Array(files.length).fill(NaN);
  const mtimeMs = new Float64Array(files.length).fill(NaN);
  for (let i = 0; i < files.length; i++) {
    try {
      const st = fs.statSync(files[i], { throwIfNoEntry: false });
      if (st) (size[i] = st.size), (mtimeMs[i] = st.mtimeMs);
    } catch {
      // unreadable: left NaN, so it matches nothing
    }
  }
  return { size, mtimeMs };
}

/**
 * A worker thread that stats one list of files, started ahead (it loads while the server lists the
 * files) and gone once it has answered. Without a worker the files are stated in this thread.
 */
export class FileStatter {
  private worker: Worker | undefined;

  constructor(workerFile: string | undefined) {
    try {
      if (workerFile && fs.existsSync(workerFile)) this.worker = new Worker(workerFile);
    } catch {
      this.worker = undefined;
    }
    this.worker?.unref();
  }

  stat(files: readonly string[]): Promise<FileStats> {
    const w = this.worker;
    this.worker = undefined;
    if (!w || files.length === 0) {
      void w?.terminate();
      return Promise.resolve(statFilesSync(files));
    }
    return new Promise((resolve) => {
      let settled = false;
      const fallBack = () => {
        if (!settled) (settled = true), resolve(statFilesSync(files));
      };
      w.once("message", (r: FileStats) => {
        settled = true;
        resolve(r);
        void w.terminate();
      });
      w.once("error", fallBack);
      w.once("exit", fallBack);
      w.postMessage(files);
    });
  }

  /** Stops the worker if it was never asked. */
  dispose(): void {
    void this.worker?.terminate();
    this.worker = undefined;
  }
}
