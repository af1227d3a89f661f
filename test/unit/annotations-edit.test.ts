import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawn } from "node:child_process";
import {
  addAlias,
  addAnnotation,
  addEntity,
  addSource,
  applyEditsToFile,
  applyTextEdits,
  clearVerdict,
  composeEdits,
  FileChangedError,
  makeAnnotation,
  removeAnnotation,
  removeVerdict,
  renameEntity,
  updateAnnotationBody,
  updateSelectors,
  writeFileAtomic,
} from "../../server/src/annotations/edit";
import { parseAnnotationFile } from "../../server/src/annotations/file";
import { createSelector } from "../../server/src/annotations/anchor";
import type { AnnotationFile, TextEdit } from "../../server/src/annotations/types";

// A hand-edited file: comments everywhere, 4-space indentation, unusual key order, one-line objects.
const FILE = `// Marginalia — my annotations
{
    "annotations": [
        {
            "id": "urn:uuid:a1",
            "type": "Annotation",
            "created": "2026-11-23T10:00:00Z", // first pass
            "target": {
                "source": "seeds/004_c3108abaa56f84f0.txt",
                "selector": [
                    { "type": "TextQuoteSelector", "exact": "五萬張", "prefix": "走私了", "suffix": "GPU" },
                    { "type": "TextPositionSelector", "start": 10, "end": 13 }
                ]
            },
            "body": {
                "type": "ClaimReview",
                "note": "Only one source.", // TODO: find a second one
                "verdict": "disputed" /* after a call with the author */
            },
            "motivation": "assessing"
        },
        /* the second one */
        {
            "id": "urn:uuid:a2",
            "type": "Annotation",
            "target": { "source": "seeds/002_90de61ab8aa2bbb0.txt", "selector": [{ "type": "TextQuoteSelector", "exact": "并未得到官方确认" }] },
            "body": { "type": "ClaimReview", "verdict": "unverified" }
        }
    ],
    // people and companies
    "entities": [
        { "id": "paul-triolo", "name": "Paul Triolo", "type": "person", "aliases": ["特里奥罗"] }, // gloss in 004
        { "id": "nvidia", "aliases": ["老黄家"] }
    ]
}
`;

const COMMENTS = ["// Marginalia — my annotations", "// first pass", "// TODO: find a second one", "/* after a call with the author */", "/* the second one */", "// people and companies", "// gloss in 004"];
const NOW = "2026-12-01T08:00:00Z";

function apply(text: string, edits: TextEdit[]): string {
  // Edits are sorted and non-overlapping.
  for (let i = 1; i < edits.length; i++) assert.ok(edits[i - 1].offset + edits[i - 1].length <= edits[i].offset, "sorted, non-overlapping");
  return applyTextEdits(text, edits);
}

function data(text: string): AnnotationFile {
  const r = parseAnnotationFile(text);
  assert.ok(r.ok, r.ok ? "" : JSON.stringify(r.problems));
  return r.data;
}

/** Property names in text order, for every object in the parsed text (to check key order is kept). */
function keyOrders(text: string): string[] {
  return [...text.matchAll(/"([^"]+)":/g)].map((m) => m[1]);
}

function checkPreserved(before: string, after: string): void {
  for (const c of COMMENTS) assert.ok(after.includes(c), `comment kept: ${c}`);
  const old = keyOrders(before);
  const now = keyOrders(after);
  // Old keys appear in the same relative order (new keys may be interleaved).
  let j = 0;
  for (const k of now) if (j < old.length && k === old[j]) j++;
  assert.equal(j, old.length, "existing keys keep their order");
  data(after);
}

test("addAnnotation appends in the file's style and keeps everything else", () => {
  const doc = "据知情人士透露，DeepSeek 可能拥有五万张 H100 显卡，但这一说法并未得到官方确认。";
  const start = doc.indexOf("五万张");
  const a = makeAnnotation({ id: "urn:uuid:a3", source: "seeds/001_034a921923606a29.txt", selector: createSelector(doc, start, start + 3), verdict: "unverified", note: "传言", creator: "Lin", now: NOW });
  const after = apply(FILE, addAnnotation(FILE, a));
  checkPreserved(FILE, after);
  assert.equal(data(after).annotations.length, 3);
  assert.deepEqual(data(after).annotations[2], a);
  // Four-space indentation, keys in canonical order.
  assert.ok(after.includes(`        {\n            "id": "urn:uuid:a3",\n            "type": "Annotation",\n            "created": "${NOW}",`));
  // Everything before the insertion point is untouched.
  const cut = FILE.indexOf(`{ "type": "ClaimReview", "verdict": "unverified" }`);
  assert.equal(after.slice(0, cut), FILE.slice(0, cut));
  assert.throws(() => addAnnotation(after, a), /already exists/);
});

test("updateAnnotationBody patches fields, removes with null, and sets modified in canonical position", () => {
  const edits = updateAnnotationBody(FILE, "urn:uuid:a1", { note: "Two sources now.", verdict: "false", sources: ["https://example.org/a"] }, { now: NOW });
  const after = apply(FILE, edits);
  checkPreserved(FILE, after.replace("Two sources now.", "Only one source."));
  const a = data(after).annotations[0];
  assert.deepEqual(a.body, { type: "ClaimReview", note: "Two sources now.", verdict: "false", sources: ["https://example.org/a"] });
  assert.equal(a.modified, NOW);
  assert.ok(after.includes(`"created": "2026-11-23T10:00:00Z", // first pass\n            "modified": "${NOW}",\n            "target"`));
  // Edits are small: nothing outside the touched values changed.
  assert.ok(edits.every((e) => e.length + e.content.length < 120), JSON.stringify(edits));

  // No change → no edits (and modified is not touched).
  assert.deepEqual(updateAnnotationBody(FILE, "urn:uuid:a1", { verdict: "disputed" }, { now: NOW }), []);
  assert.throws(() => updateAnnotationBody(FILE, "urn:uuid:nope", { verdict: "false" }), /No annotation with id/);
});

test("removeVerdict / clearVerdict keep the note and comments", () => {
  const after = apply(FILE, removeVerdict(FILE, "urn:uuid:a1", { now: NOW }));
  const a = data(after).annotations[0];
  assert.equal(a.body.verdict, undefined);
  assert.equal(a.body.note, "Only one source.");
  assert.ok(after.includes(`"note": "Only one source.", // TODO: find a second one\n            },`) || after.includes(`"note": "Only one source." // TODO: find a second one`));
  assert.ok(after.includes("// TODO: find a second one"));
  // One-line body.
  const after2 = apply(FILE, clearVerdict(FILE, "urn:uuid:a2", { now: NOW }));
  assert.ok(after2.includes(`"body": { "type": "ClaimReview" }`));
  assert.equal(data(after2).annotations[1].modified, NOW);
  assert.ok(after2.includes(`"id": "urn:uuid:a2",\n            "type": "Annotation",\n            "modified": "${NOW}",\n            "target": {`));
});

test("addSource creates the array, appends, and is idempotent", () => {
  const once = apply(FILE, addSource(FILE, "urn:uuid:a2", "https://example.org/one", { now: NOW }));
  assert.ok(once.includes(`"body": { "type": "ClaimReview", "verdict": "unverified", "sources": ["https://example.org/one"] }`));
  const twice = apply(once, addSource(once, "urn:uuid:a2", "https://example.org/two", { now: NOW }));
  assert.deepEqual(data(twice).annotations[1].body.sources, ["https://example.org/one", "https://example.org/two"]);
  assert.deepEqual(addSource(twice, "urn:uuid:a2", "https://example.org/two"), []);
  checkPreserved(FILE, twice);
  assert.throws(() => addSource(FILE, "urn:uuid:a2", "not a url"), /Refusing.*sources\[0\] must be an absolute URL/);
});

test("addEntity, addAlias (creating the override entry) and renameEntity", () => {
  let t = apply(FILE, addEntity(FILE, { id: "semianalysis", name: "SemiAnalysis", type: "organization" }));
  assert.ok(t.includes(`{ "id": "nvidia", "aliases": ["老黄家"] },\n        { "id": "semianalysis", "name": "SemiAnalysis", "type": "organization" }\n    ]`));
  assert.throws(() => addEntity(t, { id: "nvidia", name: "Nvidia" }), /already/);
  assert.throws(() => addEntity(t, { id: "Bad Id", name: "x" }), /Refusing/);

  t = apply(t, addAlias(t, "nvidia", "NV"));
  assert.ok(t.includes(`{ "id": "nvidia", "aliases": ["老黄家", "NV"] }`));
  assert.deepEqual(addAlias(t, "nvidia", "NV"), []);
  t = apply(t, addAlias(t, "deepseek", "深度求索"));
  assert.deepEqual(data(t).entities.find((e) => e.id === "deepseek"), { id: "deepseek", aliases: ["深度求索"] });

  t = apply(t, renameEntity(t, "paul-triolo", "Paul S. Triolo"));
  assert.ok(t.includes(`{ "id": "paul-triolo", "name": "Paul S. Triolo", "type": "person", "aliases": ["特里奥罗", "Paul Triolo"] }, // gloss in 004`));
  t = apply(t, renameEntity(t, "nvidia", "NVIDIA Corporation", { oldName: "Nvidia" }));
  assert.deepEqual(data(t).entities.find((e) => e.id === "nvidia"), { id: "nvidia", aliases: ["老黄家", "NV", "Nvidia"], name: "NVIDIA Corporation" });
  t = apply(t, renameEntity(t, "anthropic", "Anthropic PBC", { keepOldNameAsAlias: false, oldName: "Anthropic" }));
  assert.deepEqual(data(t).entities.find((e) => e.id === "anthropic"), { id: "anthropic", name: "Anthropic PBC" });
  checkPreserved(FILE, t.replace("Paul S. Triolo", "Paul Triolo"));
});

test("removeAnnotation: first, last and only items, comments elsewhere kept", () => {
  const withoutFirst = apply(FILE, removeAnnotation(FILE, "urn:uuid:a1"));
  assert.deepEqual(data(withoutFirst).annotations.map((a) => a.id), ["urn:uuid:a2"]);
  assert.ok(withoutFirst.includes("/* the second one */"));
  const withoutBoth = apply(withoutFirst, removeAnnotation(withoutFirst, "urn:uuid:a2"));
  assert.deepEqual(data(withoutBoth).annotations, []);
  const withoutLast = apply(FILE, removeAnnotation(FILE, "urn:uuid:a2"));
  assert.deepEqual(data(withoutLast).annotations.map((a) => a.id), ["urn:uuid:a1"]);
  assert.ok(!/,\s*\]/.test(withoutLast.replace(/\/\*[^]*?\*\//g, "")), "no trailing comma left");
  for (const c of COMMENTS.filter((c) => c !== "/* the second one */")) assert.ok(withoutLast.includes(c));
});

test("a missing file (empty text) becomes a well-formatted skeleton", () => {
  const a = makeAnnotation({ id: "urn:uuid:n1", source: "seeds/a.txt", selector: [{ type: "TextQuoteSelector", exact: "x" }], now: NOW });
  const e = addAnnotation("", a);
  assert.equal(e.length, 1);
  assert.deepEqual([e[0].offset, e[0].length], [0, 0]);
  assert.equal(
    e[0].content,
    `{
  "entities": [],
  "annotations": [
    {
      "id": "urn:uuid:n1",
      "type": "Annotation",
      "created": "${NOW}",
      "modified": "${NOW}",
      "motivation": "assessing",
      "target": {
        "source": "seeds/a.txt",
        "selector": [
          {
            "type": "TextQuoteSelector",
            "exact": "x"
          }
        ]
      },
      "body": {
        "type": "ClaimReview"
      }
    }
  ]
}
`,
  );
  const ent = apply("", addAlias("", "nvidia", "輝達"));
  assert.equal(ent, `{\n  "entities": [\n    {\n      "id": "nvidia",\n      "aliases": ["輝達"]\n    }\n  ],\n  "annotations": []\n}\n`);
  assert.deepEqual(data(apply("", renameEntity("", "x", "X"))).entities, [{ id: "x", name: "X" }]);
  assert.throws(() => updateAnnotationBody("", "urn:uuid:x", { note: "n" }), /No annotation/);
});

test("CRLF and tab-indented files keep their line endings and indentation", () => {
  const crlf = FILE.replace(/\n/g, "\r\n");
  const after = apply(crlf, addEntity(crlf, { id: "x", name: "X", type: "concept", aliases: ["甲"], description: { en: "An idea", zh: "一个想法" } }));
  assert.ok(!/[^\r]\n/.test(after), "no bare LF");
  data(after);
  const tabs = FILE.replace(/^((?: {4})+)/gm, (m) => "\t".repeat(m.length / 4));
  const after2 = apply(tabs, updateAnnotationBody(tabs, "urn:uuid:a1", { author: "Lin" }, { now: NOW }));
  assert.ok(after2.includes(`\t\t\t"created": "2026-11-23T10:00:00Z", // first pass\n\t\t\t"modified": "${NOW}",`));
  assert.ok(after2.includes(`\t\t\t\t"verdict": "disputed", /* after a call with the author */\n\t\t\t\t"author": "Lin"\n`));
});

test("a byte order mark is kept", () => {
  const bom = "\uFEFF" + FILE;
  const after = apply(bom, addAlias(bom, "nvidia", "NV"));
  assert.ok(after.startsWith("\uFEFF// Marginalia"));
  assert.deepEqual(data(after).entities[1].aliases, ["老黄家", "NV"]);
});

test("refuses to edit a file that does not parse or validate", () => {
  const broken = FILE.replace(`"verdict": "unverified" }`, `"verdict": "unverified", }`);
  assert.throws(() => addAlias(broken, "nvidia", "NV"), /marginalia\.json has errors \(line 27, column \d+: Trailing comma\.\)/);
  const invalid = FILE.replace(`"unverified"`, `"maybe"`);
  assert.throws(() => removeVerdict(invalid, "urn:uuid:a1"), /verdict must be one of/);
  assert.throws(() => addAnnotation("[]", makeAnnotation({ source: "a.txt", selector: [{ type: "TextQuoteSelector", exact: "x" }] })), /has errors/);
});

test("updateSelectors rewrites the selectors after re-anchoring", () => {
  const sel = createSelector("前文五萬張后文", 2, 5);
  const after = apply(FILE, updateSelectors(FILE, "urn:uuid:a2", sel));
  assert.deepEqual(data(after).annotations[1].target.selector, sel);
  assert.equal(data(after).annotations[1].modified, undefined);
});

test("composeEdits equals sequential application (randomized)", () => {
  let seed = 1;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  for (let round = 0; round < 300; round++) {
    const original = Array.from({ length: 20 + Math.floor(rand() * 20) }, () => "abcdefg\n"[Math.floor(rand() * 8)]).join("");
    let cur = original;
    const steps: TextEdit[][] = [];
    for (let s = 0; s < 1 + Math.floor(rand() * 4); s++) {
      // 1–2 non-overlapping edits per step, relative to the current text.
      const a = Math.floor(rand() * cur.length), b = a + Math.floor(rand() * 4);
      const step: TextEdit[] = [{ offset: a, length: Math.min(b, cur.length) - a, content: "XYZ".slice(0, Math.floor(rand() * 4)) }];
      const c = Math.min(b, cur.length) + 1 + Math.floor(rand() * 5);
      if (c < cur.length && rand() < 0.5) step.push({ offset: c, length: Math.floor(rand() * Math.min(3, cur.length - c)), content: "Q" });
      steps.push(step);
      cur = applyTextEdits(cur, step);
    }
    const composed = composeEdits(original, steps);
    assert.equal(applyTextEdits(original, composed), cur, `round ${round}`);
  }
});

// ---------------------------------------------------------------------------------------------
// Files

function tmpdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "marginalia-edit-"));
}

test("writeFileAtomic writes, keeps the mode and leaves no temporary files", () => {
  const dir = tmpdir();
  const p = path.join(dir, "marginalia.json");
  writeFileAtomic(p, "{}\n");
  assert.equal(fs.readFileSync(p, "utf8"), "{}\n");
  fs.chmodSync(p, 0o640);
  writeFileAtomic(p, `{ "entities": [] }\n`);
  assert.equal(fs.readFileSync(p, "utf8"), `{ "entities": [] }\n`);
  if (process.platform !== "win32") assert.equal(fs.statSync(p).mode & 0o777, 0o640);
  assert.deepEqual(fs.readdirSync(dir), ["marginalia.json"]);
  // An aborted write leaves the old file and no temporary file.
  assert.throws(() => writeFileAtomic(p, "nope", { beforeRename: () => { throw new Error("abort"); } }), /abort/);
  assert.equal(fs.readFileSync(p, "utf8"), `{ "entities": [] }\n`);
  assert.deepEqual(fs.readdirSync(dir), ["marginalia.json"]);
  fs.rmSync(dir, { recursive: true });
});

test("a checked write waits for another writer's lock, and clears a lock left by a crash", () => {
  const dir = tmpdir();
  const p = path.join(dir, "marginalia.json");
  fs.writeFileSync(p, "{}\n");
  const lock = `${p}.lock`;
  // A lock from a writer that died long ago: removed, the write goes through, no lock is left.
  fs.writeFileSync(lock, "");
  const old = new Date(Date.now() - 60_000);
  fs.utimesSync(lock, old, old);
  applyEditsToFile(p, (t) => addAlias(t, "nvidia", "輝達"));
  assert.deepEqual(data(fs.readFileSync(p, "utf8")).entities, [{ id: "nvidia", aliases: ["輝達"] }]);
  assert.deepEqual(fs.readdirSync(dir), ["marginalia.json"]);
  // A lock held by a live writer (released 100 ms later by another process): the write waits for it.
  fs.writeFileSync(lock, "");
  const releaser = spawn(process.execPath, ["-e", `setTimeout(() => require("fs").rmSync(${JSON.stringify(lock)}), 100)`]);
  const t0 = Date.now();
  applyEditsToFile(p, (t) => addAlias(t, "nvidia", "英偉達"));
  assert.ok(Date.now() - t0 >= 50, "waited for the other writer");
  assert.deepEqual(data(fs.readFileSync(p, "utf8")).entities, [{ id: "nvidia", aliases: ["輝達", "英偉達"] }]);
  releaser.kill();
  fs.rmSync(dir, { recursive: true });
});

test("applyEditsToFile creates, edits, refuses invalid files and concurrent changes", () => {
  const dir = tmpdir();
  const p = path.join(dir, "marginalia.json");
  // Missing file → created.
  let r = applyEditsToFile(p, (t) => addAlias(t, "nvidia", "輝達"));
  assert.equal(r.changed, true);
  assert.deepEqual(data(fs.readFileSync(p, "utf8")).entities, [{ id: "nvidia", aliases: ["輝達"] }]);
  // Existing file with comments → edited in place.
  fs.writeFileSync(p, FILE);
  r = applyEditsToFile(p, (t) => addSource(t, "urn:uuid:a1", "https://example.org/x", { now: NOW }));
  const written = fs.readFileSync(p, "utf8");
  checkPreserved(FILE, written);
  assert.deepEqual(data(written).annotations[0].body.sources, ["https://example.org/x"]);
  // No edits → nothing written.
  const mtime = fs.statSync(p).mtimeMs;
  r = applyEditsToFile(p, (t) => addSource(t, "urn:uuid:a1", "https://example.org/x"));
  assert.equal(r.changed, false);
  assert.equal(fs.statSync(p).mtimeMs, mtime);
  // Invalid file → refused, untouched.
  const broken = written.replace(`"assessing"`, `"assessing",`).replace(/"motivation": "assessing",\n(\s*)\}/, `"motivation": "assessing",\n$1}`);
  fs.writeFileSync(p, broken);
  assert.throws(() => applyEditsToFile(p, (t) => addAlias(t, "nvidia", "NV")), /has errors/);
  assert.equal(fs.readFileSync(p, "utf8"), broken);
  // Changed between read and write → refused; the other writer's content survives.
  fs.writeFileSync(p, FILE);
  const theirs = FILE.replace(`"老黄家"`, `"老黄家", "黄家"`);
  assert.throws(
    () =>
      applyEditsToFile(p, (t) => {
        const edits = addAlias(t, "nvidia", "NV");
        fs.writeFileSync(p, theirs); // someone else saves meanwhile
        return edits;
      }),
    FileChangedError,
  );
  assert.equal(fs.readFileSync(p, "utf8"), theirs);
  // Created by someone else meanwhile → refused too.
  fs.rmSync(p);
  assert.throws(
    () =>
      applyEditsToFile(p, (t) => {
        const edits = addAlias(t, "nvidia", "NV");
        fs.writeFileSync(p, "{}");
        return edits;
      }),
    FileChangedError,
  );
  assert.equal(fs.readFileSync(p, "utf8"), "{}");
  assert.deepEqual(fs.readdirSync(dir), ["marginalia.json"], "no temporary files left behind");
  fs.rmSync(dir, { recursive: true });
});
