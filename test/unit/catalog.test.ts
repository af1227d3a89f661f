// Validates the built-in entity catalog (server/data/entities.json): shape, ids, parents and
// name uniqueness. Names are compared after NFKC + lowercasing, the part of the matcher's
// folding that needs no OpenCC data; traditional→simplified collisions are checked by review.
import { test } from "node:test";
import assert from "node:assert/strict";
import catalog from "../../server/data/entities.json";
import type { EntityDef, EntityType } from "../../server/src/analysis/types";
import { ENTITY_TYPES } from "../../server/src/annotations/types";

const entities = catalog as unknown as EntityDef[];

// The same list the annotation schema uses (one source of truth for entity types).
const TYPES: ReadonlySet<EntityType> = new Set<EntityType>(ENTITY_TYPES);
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const NAME_KEYS = ["en", "zh-Hans", "zh-Hant", "regional", "short"] as const;

const fold = (name: string): string => name.normalize("NFKC").toLowerCase();

function allNames(e: EntityDef): string[] {
  return NAME_KEYS.flatMap((k) => e.names[k] ?? []);
}

test("catalog is a non-empty array of objects", () => {
  assert.ok(Array.isArray(entities));
  assert.ok(entities.length > 0);
  for (const e of entities) assert.equal(typeof e, "object");
});

test("ids are unique slugs", () => {
  const seen = new Set<string>();
  for (const e of entities) {
    assert.equal(typeof e.id, "string");
    assert.match(e.id, SLUG, `id is not a lowercase slug: ${e.id}`);
    assert.ok(!seen.has(e.id), `duplicate id: ${e.id}`);
    seen.add(e.id);
  }
});

test("every type is valid", () => {
  for (const e of entities) assert.ok(TYPES.has(e.type), `${e.id}: invalid type ${String(e.type)}`);
});

test("every entity has a display name and en, zh-Hans and zh-Hant names", () => {
  for (const e of entities) {
    assert.equal(typeof e.name, "string");
    assert.ok(e.name.trim().length > 0, `${e.id}: empty display name`);
    for (const script of ["en", "zh-Hans", "zh-Hant"] as const) {
      const names = e.names?.[script];
      assert.ok(Array.isArray(names) && names.length > 0, `${e.id}: no ${script} names`);
    }
  }
});

test("names are trimmed strings of at least two characters", () => {
  for (const e of entities) {
    for (const key of Object.keys(e.names)) {
      assert.ok((NAME_KEYS as readonly string[]).includes(key), `${e.id}: unknown names key ${key}`);
    }
    for (const k of NAME_KEYS) {
      const list = e.names[k];
      if (list === undefined) continue;
      assert.ok(Array.isArray(list), `${e.id}: names.${k} is not an array`);
      for (const n of list) {
        assert.equal(typeof n, "string", `${e.id}: non-string name in ${k}`);
        assert.equal(n, n.trim(), `${e.id}: untrimmed name ${JSON.stringify(n)}`);
        assert.ok([...n].length >= 2, `${e.id}: name shorter than 2 characters: ${JSON.stringify(n)}`);
      }
    }
  }
});

test("every parent refers to an existing id, without cycles", () => {
  const byId = new Map(entities.map((e) => [e.id, e]));
  for (const e of entities) {
    if (e.parent === undefined) continue;
    assert.ok(byId.has(e.parent), `${e.id}: unknown parent ${e.parent}`);
    const chain = new Set<string>([e.id]);
    for (let p: string | undefined = e.parent; p !== undefined; p = byId.get(p)?.parent) {
      assert.ok(!chain.has(p), `${e.id}: parent cycle through ${p}`);
      chain.add(p);
    }
  }
});

test("no name is shared between two entities (NFKC, case-folded)", () => {
  const owner = new Map<string, string>();
  const clashes: string[] = [];
  for (const e of entities) {
    for (const n of new Set(allNames(e).map(fold))) {
      const other = owner.get(n);
      if (other !== undefined && other !== e.id) clashes.push(`${JSON.stringify(n)}: ${other} / ${e.id}`);
      else owner.set(n, e.id);
    }
  }
  assert.deepEqual(clashes, []);
});

test("optional fields are well-formed", () => {
  for (const e of entities) {
    if (e.wikidata !== undefined) assert.match(e.wikidata, /^Q[1-9]\d*$/, `${e.id}: bad wikidata id`);
    if (e.description !== undefined) {
      for (const v of [e.description.en, e.description.zh]) {
        if (v !== undefined) assert.ok(typeof v === "string" && v.length > 0, `${e.id}: empty description`);
      }
    }
  }
});
