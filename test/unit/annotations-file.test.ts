import { test } from "node:test";
import assert from "node:assert/strict";
import { AnnotationStore, parseAnnotationFile, type FileProblem } from "../../server/src/annotations/file";

const GOOD = `{
  // Marginalia annotations
  "entities": [
    { "id": "nvidia", "aliases": ["老黄家"] } /* override of a built-in */
  ],
  "annotations": [
    {
      "id": "urn:uuid:1",
      "type": "Annotation",
      "target": {
        "source": "seeds/004_c3108abaa56f84f0.txt",
        "selector": [{ "type": "TextQuoteSelector", "exact": "五萬張" }]
      },
      "body": { "type": "ClaimReview", "verdict": "unverified" }
    }
  ]
}
`;

/** The text each problem points at. */
function at(text: string, problems: FileProblem[]): string[] {
  return problems.map((p) => text.slice(p.offset, p.offset + p.length));
}

test("parses a valid file with comments", () => {
  const r = parseAnnotationFile(GOOD);
  assert.ok(r.ok);
  assert.equal(r.data.entities[0].id, "nvidia");
  assert.equal(r.data.annotations[0].body.verdict, "unverified");
  assert.ok(r.tree);
});

test("blank text (no file yet) is an empty file; missing arrays are filled in", () => {
  for (const t of ["", "  \n", "\uFEFF"]) {
    const r = parseAnnotationFile(t);
    assert.ok(r.ok);
    assert.deepEqual(r.data, { entities: [], annotations: [] });
  }
  const r = parseAnnotationFile(`{ "entities": [] }`);
  assert.ok(r.ok);
  assert.deepEqual(r.data.annotations, []);
});

test("a byte order mark is ignored and offsets still refer to the text", () => {
  assert.ok(parseAnnotationFile("\uFEFF" + GOOD).ok);
  const text = "\uFEFF" + GOOD.replace(`"unverified"`, `"maybe"`);
  const r = parseAnnotationFile(text);
  assert.ok(!r.ok);
  assert.deepEqual(at(text, r.problems), [`"maybe"`]);
});

test("syntax errors come with exact offsets; trailing commas are reported at the comma", () => {
  const trailing = GOOD.replace(`"verdict": "unverified" }`, `"verdict": "unverified", }`);
  let r = parseAnnotationFile(trailing);
  assert.ok(!r.ok);
  assert.equal(r.problems.length, 1);
  assert.equal(r.problems[0].message, "Trailing comma.");
  assert.equal(r.problems[0].offset, trailing.indexOf(`"unverified", }`) + `"unverified"`.length);
  assert.equal(r.problems[0].code, "syntax");

  const arrayTrailing = `{ "entities": [ { "id": "a", "name": "A" }, // last\n ] }`;
  r = parseAnnotationFile(arrayTrailing);
  assert.ok(!r.ok);
  assert.deepEqual(r.problems.map((p) => [p.message, p.offset]), [["Trailing comma.", arrayTrailing.indexOf("},") + 1]]);

  const missingColon = `{ "entities" [] }`;
  r = parseAnnotationFile(missingColon);
  assert.ok(!r.ok);
  assert.equal(r.problems[0].message, "Colon expected.");
  assert.equal(r.problems[0].offset, missingColon.indexOf("["));

  r = parseAnnotationFile(`{ "entities": [] } []`);
  assert.ok(!r.ok);
  assert.deepEqual(r.problems.map((p) => [p.message, p.offset]), [["End of file expected.", 19]]);
});

test("schema problems are located at the offending node", () => {
  const text = GOOD.replace(`"unverified"`, `"maybe"`).replace(`"type": "Annotation",`, `"type": "Annotation", "creatr": "me",`).replace(`, "exact": "五萬張" `, " ");
  const r = parseAnnotationFile(text);
  assert.ok(!r.ok);
  const byCode = new Map(r.problems.map((p) => [p.code, p]));
  // The bad value itself.
  assert.deepEqual(at(text, [byCode.get("enum")!]), [`"maybe"`]);
  assert.deepEqual(byCode.get("enum")!.path, ["annotations", 0, "body", "verdict"]);
  // The unknown property's name.
  assert.deepEqual(at(text, [byCode.get("additionalProperties")!]), [`"creatr"`]);
  // A missing property: the opening brace of the object (an array item has no property name).
  const missing = byCode.get("required")!;
  assert.equal(text[missing.offset], "{");
  assert.equal(missing.length, 1);
  assert.equal(missing.offset, text.indexOf(`{ "type": "TextQuoteSelector"`));
  assert.equal(r.problems.length, 3);
});

test("a missing property of a named object points at its property name", () => {
  const text = GOOD.replace(`{ "type": "ClaimReview", "verdict": "unverified" }`, `{ "verdict": "unverified" }`);
  const r = parseAnnotationFile(text);
  assert.ok(!r.ok);
  assert.deepEqual(at(text, r.problems), [`"body"`]);
  assert.match(r.problems[0].message, /"type"/);
});

test("AnnotationStore keeps the last good version while the file is invalid", () => {
  const store = new AnnotationStore();
  assert.ok(store.writable);
  assert.equal(store.annotations.length, 0);

  let u = store.update(GOOD);
  assert.deepEqual([u.ok, u.changed], [true, true]);
  assert.equal(store.annotation("urn:uuid:1")?.body.verdict, "unverified");
  assert.equal(store.annotationsFor("seeds/004_c3108abaa56f84f0.txt").length, 1);
  assert.deepEqual(store.entity("nvidia")?.aliases, ["老黄家"]);
  const v = store.version;

  // The user is typing: broken JSON.
  const broken = GOOD.replace(`"unverified" }`, `"disputed `);
  u = store.update(broken);
  assert.deepEqual([u.ok, u.changed], [false, false]);
  assert.ok(u.problems.length > 0);
  assert.equal(store.writable, false, "nothing may write while the file is invalid");
  assert.throws(() => store.assertWritable(), /fix them before/);
  assert.equal(store.annotation("urn:uuid:1")?.body.verdict, "unverified", "still serving the last good data");
  assert.equal(store.version, v);
  assert.equal(store.currentText, broken);
  assert.equal(store.goodText, GOOD);

  // Valid JSON, invalid schema: same behaviour.
  u = store.update(GOOD.replace(`"unverified"`, `"maybe"`));
  assert.equal(u.ok, false);
  assert.equal(store.writable, false);
  assert.equal(store.annotation("urn:uuid:1")?.body.verdict, "unverified");

  // Fixed.
  u = store.update(GOOD.replace(`"unverified"`, `"disputed"`));
  assert.deepEqual([u.ok, u.changed], [true, true]);
  assert.equal(store.writable, true);
  assert.equal(store.assertWritable(), store.currentText);
  assert.equal(store.annotation("urn:uuid:1")?.body.verdict, "disputed");
  assert.equal(store.version, v + 1);

  // Same text again: not a change.
  u = store.update(store.currentText);
  assert.deepEqual([u.ok, u.changed], [true, false]);

  // File deleted: empty and writable.
  u = store.update("");
  assert.deepEqual([u.ok, u.changed], [true, true]);
  assert.equal(store.annotations.length, 0);
  assert.equal(store.annotation("urn:uuid:1"), undefined);
});
