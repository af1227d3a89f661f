import { test } from "node:test";
import assert from "node:assert/strict";
import schemaJson from "../../server/data/marginalia.schema.json";
import { annotationFileSchema, checkSchemaSupported, formatPath, validate, type JsonSchema } from "../../server/src/annotations/schema";
import { ENTITY_TYPES, MOTIVATIONS, VERDICTS, toSchemaOrgClaimReview, type Annotation, type EntityType } from "../../server/src/annotations/types";
import type { EntityType as AnalysisEntityType } from "../../server/src/analysis/types";

// Compile-time: the entity types of marginalia.json are exactly those of the analysis layer.
const sameEntityTypes: [EntityType, AnalysisEntityType] extends [AnalysisEntityType, EntityType] ? true : never = true;
void sameEntityTypes;

function goodFile(): any {
  return {
    $schema: "./node_modules/marginalia/server/data/marginalia.schema.json",
    entities: [
      { id: "paul-triolo", name: "Paul Triolo", type: "person", aliases: ["特里奥罗", "保罗·特里奥罗"], description: "Technology policy analyst" },
      { id: "nvidia", aliases: ["老黄家"] },
      { id: "deepseek-v3", name: "DeepSeek-V3", type: "model", parent: "deepseek", wikidata: "Q131390930", description: { en: "A model", zh: "模型" } },
    ],
    annotations: [
      {
        id: "urn:uuid:5b1f6c9e-2f0a-4a8e-9d1e-0c9a3f6b2d11",
        type: "Annotation",
        created: "2026-11-23T10:00:00Z",
        modified: "2026-11-23T10:05:00.123+08:00",
        creator: "Lin",
        target: {
          source: "seeds/004_c3108abaa56f84f0.txt",
          selector: [
            { type: "TextQuoteSelector", exact: "五萬張", prefix: "走私了", suffix: "GPU" },
            { type: "TextPositionSelector", start: 123, end: 126 },
          ],
        },
        body: {
          type: "ClaimReview",
          verdict: "disputed",
          note: "Only one source, itself unconfirmed.",
          sources: ["https://example.org/semianalysis"],
          author: "Lin",
          date: "2026-11-23",
        },
        motivation: "assessing",
      },
    ],
  };
}

function problemsOf(value: unknown) {
  return validate(value).map((p) => ({ path: formatPath(p.path), keyword: p.keyword, message: p.message }));
}

test("the published schema is draft-07, uses only keywords the validator enforces, and agrees with the TS constants", () => {
  assert.equal((schemaJson as JsonSchema).$schema, "http://json-schema.org/draft-07/schema#");
  assert.doesNotThrow(() => checkSchemaSupported());
  const defs = annotationFileSchema.definitions!;
  assert.deepEqual(defs.entityType.enum, [...ENTITY_TYPES]);
  assert.deepEqual(defs.claimReview.properties!.verdict.enum, [...VERDICTS]);
  assert.deepEqual(defs.annotation.properties!.motivation.enum, [...MOTIVATIONS]);
  // A keyword the interpreter does not know is refused rather than silently ignored.
  assert.throws(() => checkSchemaSupported({ type: "object", propertyNames: { pattern: "^a" } } as JsonSchema), /propertyNames/);
  // Completion helpers for VS Code are present.
  assert.ok(Array.isArray(defs.annotation.defaultSnippets) && Array.isArray(defs.entity.defaultSnippets));
});

test("accepts a good file, an empty object and a file with only entities", () => {
  assert.deepEqual(problemsOf(goodFile()), []);
  assert.deepEqual(problemsOf({}), []);
  assert.deepEqual(problemsOf({ entities: [{ id: "x", name: "X", type: "concept" }] }), []);
});

test("rejects a bad verdict, with its path", () => {
  const f = goodFile();
  f.annotations[0].body.verdict = "maybe";
  const ps = problemsOf(f);
  assert.equal(ps.length, 1);
  assert.equal(ps[0].path, "annotations[0].body.verdict");
  assert.equal(ps[0].keyword, "enum");
  assert.match(ps[0].message, /verified, disputed, false, unverified/);
});

test("rejects missing required fields, with the path of the object that lacks them", () => {
  const f = goodFile();
  delete f.annotations[0].target.selector[0].exact;
  delete f.annotations[0].body.type;
  delete f.entities[0].id;
  const ps = validate(f);
  const byPath = new Map(ps.map((p) => [formatPath(p.path), p]));
  assert.equal(byPath.get("annotations[0].target.selector[0]")?.property, "exact");
  assert.equal(byPath.get("annotations[0].body")?.property, "type");
  assert.equal(byPath.get("entities[0]")?.property, "id");
  for (const p of ps) assert.equal(p.kind, "missing");
  assert.equal(ps.length, 3);
});

test("rejects wrong types, unknown properties (with suggestions), bad formats and patterns", () => {
  const f = goodFile();
  f.annotations[0].creatr = "x";
  f.annotations[0].body.sources = ["not a url", "https://example.org/semianalysis", "https://example.org/semianalysis"];
  f.annotations[0].created = "yesterday";
  f.annotations[0].target.source = "/abs/path.txt";
  f.annotations[0].target.selector[1].start = -1;
  f.entities[0].type = "human";
  f.entities[1] = { id: "Nvidia Corp" , aliases: "NV" };
  const ps = problemsOf(f);
  const get = (path: string) => ps.filter((p) => p.path === path).map((p) => p.keyword);
  assert.deepEqual(get("annotations[0].creatr"), ["additionalProperties"]);
  assert.match(ps.find((p) => p.path === "annotations[0].creatr")!.message, /Did you mean "creator"/);
  assert.deepEqual(get("annotations[0].body.sources[0]"), ["format"]);
  assert.deepEqual(get("annotations[0].body.sources[2]"), ["uniqueItems"]);
  assert.deepEqual(get("annotations[0].created"), ["format"]);
  assert.deepEqual(get("annotations[0].target.source"), ["pattern"]);
  assert.deepEqual(get("annotations[0].target.selector[1].start"), ["minimum"]);
  assert.deepEqual(get("entities[0].type"), ["enum"]);
  assert.deepEqual(get("entities[1].id"), ["pattern"]);
  assert.deepEqual(get("entities[1].aliases"), ["type"]);
  assert.equal(ps.length, 9);
});

test("selectors: type discriminates the rules; a TextQuoteSelector is required", () => {
  const f = goodFile();
  f.annotations[0].target.selector = [{ type: "TextPositionSelector", start: 1, end: 2, exact: "x" }];
  let ps = problemsOf(f);
  assert.deepEqual(ps.map((p) => [p.path, p.keyword]).sort(), [
    ["annotations[0].target.selector", "contains"],
    ["annotations[0].target.selector[0].exact", "additionalProperties"],
  ]);
  f.annotations[0].target.selector = [{ type: "RangeSelector" }];
  ps = problemsOf(f);
  assert.deepEqual(ps.map((p) => [p.path, p.keyword]).sort(), [
    ["annotations[0].target.selector", "contains"],
    ["annotations[0].target.selector[0].type", "enum"],
  ]);
  f.annotations[0].target.selector = [];
  assert.deepEqual(problemsOf(f).map((p) => p.keyword).sort(), ["contains", "minItems"]);
});

test("semantic rules: duplicate ids, start ≤ end, entity with only an id", () => {
  const f = goodFile();
  f.annotations.push(structuredClone(f.annotations[0]));
  f.annotations[0].target.selector[1].end = 100;
  f.entities.push({ id: "nvidia", name: "NVIDIA" });
  f.entities.push({ id: "lonely" });
  const ps = problemsOf(f);
  assert.deepEqual(ps.map((p) => [p.path, p.keyword]).sort(), [
    ["annotations[0].target.selector[1].end", "position-order"],
    ["annotations[1].id", "duplicate-id"],
    ["entities[3].id", "duplicate-id"],
    ["entities[4]", "minProperties"],
  ]);
});

test("the root must be an object", () => {
  assert.deepEqual(problemsOf([]).map((p) => [p.path, p.keyword]), [["(root)", "type"]]);
  assert.deepEqual(problemsOf({ annotations: {} }).map((p) => [p.path, p.keyword]), [["annotations", "type"]]);
});

test("body maps onto schema.org ClaimReview", () => {
  const a = goodFile().annotations[0] as Annotation;
  const r = toSchemaOrgClaimReview(a, (s) => `https://example.org/${s}`);
  assert.equal(r["@type"], "ClaimReview");
  assert.equal(r.reviewRating?.alternateName, "disputed");
  assert.equal(r.reviewBody, a.body.note);
  assert.deepEqual(r.citation, a.body.sources);
  assert.deepEqual(r.author, { "@type": "Person", name: "Lin" });
  assert.equal(r.datePublished, "2026-11-23");
  assert.equal(r.claimReviewed, "五萬張");
  assert.equal(r.itemReviewed.appearance.url, "https://example.org/seeds/004_c3108abaa56f84f0.txt");
});
