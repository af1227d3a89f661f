// Worker thread entry (dist/statWorker.js): stats the list of files it is sent and answers once (fileStats.ts).
import { parentPort } from "node:worker_threads";
import { statFilesSync } from "./corpus/fileStats";

parentPort?.once("message", (files: string[]) => {
  const r = statFilesSync(files);
  parentPort!.postMessage(r, [r.size.buffer as ArrayBuffer, r.mtimeMs.buffer as ArrayBuffer]);
});
