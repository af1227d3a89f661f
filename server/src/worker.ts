// Worker thread entry (dist/worker.js): analyses documents with its own copy of the catalog.
import { parentPort } from "node:worker_threads";
import { Catalog } from "./analysis/catalog";
import { analyzeDocument } from "./analysis/analyze";
import type { WorkerMessage, WorkerReply } from "./corpus/pool";

let catalog: Catalog | undefined;
parentPort?.on("message", (msg: WorkerMessage) => {
  if (msg.type === "catalog") {
    catalog = new Catalog(msg.builtin, msg.user);
    return;
  }
  let reply: WorkerReply;
  try {
    if (!catalog) throw new Error("no catalog");
    reply = { id: msg.id, analysis: analyzeDocument(msg.text, catalog) };
  } catch (e) {
    reply = { id: msg.id, error: e instanceof Error ? e.message : String(e) };
  }
  parentPort!.postMessage(reply);
});
