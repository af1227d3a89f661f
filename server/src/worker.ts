// Worker thread entry (dist/worker.js): reads and analyses documents with its own copy of the
// catalog, and answers with packed analyses whose buffers move to the main thread without a copy.
import { parentPort } from "node:worker_threads";
import { Catalog } from "./analysis/catalog";
import { analyzeText, analyzeFile, transferList, type WorkerMessage, type WorkerReply } from "./corpus/pool";

let catalog: Catalog | undefined;
parentPort?.on("message", (msg: WorkerMessage) => {
  if (msg.type === "catalog") {
    catalog = new Catalog(msg.builtin, msg.user);
    return;
  }
  let reply: WorkerReply;
  try {
    if (!catalog) throw new Error("no catalog");
    reply = { id: msg.id, result: msg.type === "analyze" ? analyzeText(msg.text, catalog) : analyzeFile(msg.file, msg.maxBytes, catalog) };
  } catch (e) {
    reply = { id: msg.id, error: e instanceof Error ? e.message : String(e) };
  }
  parentPort!.postMessage(reply, transferList(reply.result));
});
