// The analysis pool's worker threads (dist/worker.js, built before the tests): recycling ends idle
// workers and starts fresh ones for the next analysis, and never drops an analysis under way.
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { AnalysisPool } from "../../server/src/corpus/pool";
import { unpackAnalysis } from "../../server/src/analysis/packed";
import builtin from "../../server/data/entities.json";
import type { EntityDef } from "../../server/src/analysis/types";

const WORKER = path.resolve("dist/worker.js");
const TEXT = "据路透社报道，英伟达去年向中国出货了约 5 万块 H800。Nvidia declined to comment.";

const entityIds = (r: Awaited<ReturnType<AnalysisPool["analyze"]>>) => unpackAnalysis(r.packed, TEXT).mentions.map((m) => m.entityId);

test("a recycled pool analyses in fresh workers, with the same result", async (t) => {
  const pool = new AnalysisPool(builtin as EntityDef[], [], WORKER, 1);
  t.after(() => pool.dispose());
  const before = entityIds(await pool.analyze({ text: TEXT }));
  assert.ok(before.includes("nvidia"), `workers recognise entities: ${before.join(", ")}`);
  pool.recycle();
  assert.equal(pool.threads, 1, "the pool still counts its (not yet started) worker");
  assert.deepEqual(entityIds(await pool.analyze({ text: TEXT })), before);
});

test("recycling while an analysis is under way keeps its worker and its answer", async (t) => {
  const pool = new AnalysisPool(builtin as EntityDef[], [], WORKER, 1);
  t.after(() => pool.dispose());
  const pending = pool.analyze({ text: TEXT.repeat(200) });
  pool.recycle();
  const r = await Promise.race([pending, new Promise<"lost">((resolve) => setTimeout(() => resolve("lost"), 20_000).unref())]);
  assert.notEqual(r, "lost", "the analysis in flight was answered");
});
