// Validation of marginalia.json against server/data/marginalia.schema.json.
//
// The published JSON Schema (draft-07, contributed to VS Code through `jsonValidation`) is the
// source of truth: this module *interprets* it rather than duplicating its rules. The interpreter
// implements exactly the keywords the schema uses (and throws on any other validation keyword, so
// the schema cannot silently grow rules that we don't enforce), and reports every problem with the
// JSON path of the offending node so a caller can put a diagnostic on it.
//
// A few rules cannot be expressed in draft-07 and are checked afterwards ("semantic" checks):
// unique annotation ids, unique entity ids, and start ≤ end in a TextPositionSelector.

import schemaJson from "../../data/marginalia.schema.json";
import type { AnnotationFile, JsonPath } from "./types";

/**
 * A validation problem. `path` locates the node; `kind` says which part of it to highlight:
 * - `value`: the value at `path` (default);
 * - `key`: the property name at `path` (unknown property);
 * - `missing`: `path` is the object that lacks a required property (`property` names it).
 */
export interface Problem {
  message: string;
  path: JsonPath;
  kind?: "value" | "key" | "missing";
  /** For `missing`: the property that is missing. */
  property?: string;
  /** The schema keyword (or semantic rule) that failed: `enum`, `required`, `duplicate-id`… */
  keyword: string;
}

/** A JSON Schema node (the subset used by marginalia.schema.json). */
export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  minProperties?: number;
  items?: JsonSchema;
  minItems?: number;
  uniqueItems?: boolean;
  contains?: JsonSchema;
  minLength?: number;
  pattern?: string;
  patternErrorMessage?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  allOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  not?: JsonSchema;
  if?: JsonSchema;
  then?: JsonSchema;
  else?: JsonSchema;
  definitions?: Record<string, JsonSchema>;
  errorMessage?: string;
  title?: string;
  description?: string;
  [key: string]: unknown;
}

/** The published schema (server/data/marginalia.schema.json). */
export const annotationFileSchema: JsonSchema = schemaJson as unknown as JsonSchema;

/** Keywords the interpreter enforces. */
const VALIDATION_KEYWORDS = new Set([
  "$ref", "type", "enum", "const", "properties", "required", "additionalProperties", "minProperties",
  "items", "minItems", "uniqueItems", "contains", "minLength", "pattern", "format", "minimum", "maximum",
  "allOf", "anyOf", "oneOf", "not", "if", "then", "else",
]);
/** Keywords that carry no validation rule (annotations, VS Code extensions, containers). */
const ANNOTATION_KEYWORDS = new Set([
  "$schema", "$id", "$comment", "title", "description", "markdownDescription", "default", "examples",
  "defaultSnippets", "enumDescriptions", "markdownEnumDescriptions", "errorMessage", "patternErrorMessage",
  "definitions", "deprecationMessage", "doNotSuggest",
]);
const SUPPORTED_FORMATS = new Set(["uri", "date-time", "date"]);

/**
 * Throws if the schema uses a keyword or format this interpreter does not implement (so the
 * published schema can't drift away from what `validate` enforces). Returns the list of keywords used.
 */
export function checkSchemaSupported(schema: JsonSchema = annotationFileSchema): string[] {
  const used = new Set<string>();
  const visit = (s: unknown, where: string): void => {
    if (typeof s !== "object" || s === null || Array.isArray(s)) throw new Error(`schema at ${where} is not an object`);
    for (const [k, v] of Object.entries(s as Record<string, unknown>)) {
      used.add(k);
      if (!VALIDATION_KEYWORDS.has(k) && !ANNOTATION_KEYWORDS.has(k)) throw new Error(`unsupported schema keyword "${k}" at ${where}`);
      if (k === "format" && !SUPPORTED_FORMATS.has(v as string)) throw new Error(`unsupported format "${String(v)}" at ${where}`);
      if (k === "$ref") resolveRef(schema, v as string);
      if (k === "properties" || k === "definitions") {
        for (const [name, sub] of Object.entries(v as Record<string, unknown>)) visit(sub, `${where}/${k}/${name}`);
      } else if (k === "allOf" || k === "anyOf" || k === "oneOf") {
        (v as unknown[]).forEach((sub, i) => visit(sub, `${where}/${k}/${i}`));
      } else if (["items", "contains", "not", "if", "then", "else"].includes(k) || (k === "additionalProperties" && typeof v === "object")) {
        visit(v, `${where}/${k}`);
      }
    }
  };
  visit(schema, "#");
  return [...used].sort();
}

function resolveRef(root: JsonSchema, ref: string): JsonSchema {
  if (!ref.startsWith("#")) throw new Error(`only local $ref is supported: ${ref}`);
  let node: unknown = root;
  for (const raw of ref.slice(1).split("/").filter((p) => p !== "")) {
    const part = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    node = (node as Record<string, unknown> | undefined)?.[part];
  }
  if (typeof node !== "object" || node === null) throw new Error(`unresolvable $ref ${ref}`);
  return node as JsonSchema;
}

function jsonType(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

function typeMatches(v: unknown, t: string): boolean {
  const actual = jsonType(v);
  return actual === t || (t === "number" && actual === "integer");
}

const ARTICLE: Record<string, string> = { object: "an object", array: "an array", string: "a string", integer: "an integer", number: "a number", boolean: "a boolean", null: "null" };

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => deepEqual(x, bb[i]));
  }
  const ka = Object.keys(a as object), kb = Object.keys(b as object);
  return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? s.slice(0, 57) + "…" : s;
}

/** Damerau-free Levenshtein distance for short strings (property-name suggestions). */
function levenshtein(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME_RE = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function validDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const days = [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return d <= days[m - 1];
}

function checkFormat(format: string, v: string): string | undefined {
  switch (format) {
    case "date": {
      const m = DATE_RE.exec(v);
      return m && validDate(+m[1], +m[2], +m[3]) ? undefined : "must be a date such as 2026-11-23";
    }
    case "date-time": {
      const m = DATE_TIME_RE.exec(v);
      return m && validDate(+m[1], +m[2], +m[3]) && +m[4] < 24 && +m[5] < 60 && +m[6] < 61
        ? undefined
        : "must be an RFC 3339 date-time such as 2026-11-23T10:00:00Z";
    }
    case "uri": {
      if (!/^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(v)) return "must be an absolute URL such as https://example.org/article";
      if (/^https?:/i.test(v)) {
        try {
          new URL(v);
        } catch {
          return "is not a valid URL";
        }
      }
      return undefined;
    }
  }
  return undefined;
}

const patternCache = new Map<string, RegExp>();
function regex(p: string): RegExp {
  let r = patternCache.get(p);
  if (!r) patternCache.set(p, (r = new RegExp(p, "u")));
  return r;
}

function where(path: JsonPath): string {
  return path.length === 0 ? "The file" : formatPath(path);
}

/** `annotations[3].body.verdict` */
export function formatPath(path: JsonPath): string {
  let s = "";
  for (const p of path) {
    if (typeof p === "number") s += `[${p}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(p)) s += s ? `.${p}` : p;
    else s += `[${JSON.stringify(p)}]`;
  }
  return s || "(root)";
}

/** Validates `value` against `schema` (default: the published marginalia schema). Schema rules only. */
export function validateAgainstSchema(value: unknown, schema: JsonSchema = annotationFileSchema, root: JsonSchema = schema): Problem[] {
  const problems: Problem[] = [];
  check(value, schema, [], problems, root);
  return problems;
}

function check(v: unknown, s: JsonSchema, path: JsonPath, out: Problem[], root: JsonSchema): void {
  if (s.$ref) {
    check(v, resolveRef(root, s.$ref), path, out, root);
  }
  const err = (message: string, keyword: string, extra: Partial<Problem> = {}) => out.push({ message, path, keyword, ...extra });

  if (s.type !== undefined) {
    const types = Array.isArray(s.type) ? s.type : [s.type];
    if (!types.some((t) => typeMatches(v, t))) {
      err(`${where(path)} must be ${types.map((t) => ARTICLE[t] ?? t).join(" or ")}, not ${ARTICLE[jsonType(v)] ?? jsonType(v)}.`, "type");
      return; // other keywords would only add noise
    }
  }
  if (s.const !== undefined && !deepEqual(v, s.const)) {
    err(s.errorMessage ?? `${where(path)} must be ${show(s.const)}.`, "const");
  }
  if (s.enum && !s.enum.some((e) => deepEqual(e, v))) {
    err(s.errorMessage ?? `${where(path)} must be one of ${s.enum.map(show).join(", ")}; got ${show(v)}.`, "enum");
  }

  if (typeof v === "string") {
    if (s.minLength !== undefined && [...v].length < s.minLength) {
      err(s.minLength === 1 ? `${where(path)} must not be empty.` : `${where(path)} must have at least ${s.minLength} characters.`, "minLength");
    }
    if (s.pattern !== undefined && !regex(s.pattern).test(v)) {
      err(s.patternErrorMessage ?? s.errorMessage ?? `${where(path)} does not match the pattern ${s.pattern}.`, "pattern");
    }
    if (s.format !== undefined) {
      const m = checkFormat(s.format, v);
      if (m) err(`${where(path)} ${m}; got ${show(v)}.`, "format");
    }
  }

  if (typeof v === "number") {
    if (s.minimum !== undefined && v < s.minimum) err(`${where(path)} must be ≥ ${s.minimum}.`, "minimum");
    if (s.maximum !== undefined && v > s.maximum) err(`${where(path)} must be ≤ ${s.maximum}.`, "maximum");
  }

  if (Array.isArray(v)) {
    if (s.minItems !== undefined && v.length < s.minItems) {
      err(`${where(path)} must have at least ${s.minItems} item${s.minItems === 1 ? "" : "s"}.`, "minItems");
    }
    if (s.items) v.forEach((item, i) => check(item, s.items!, [...path, i], out, root));
    if (s.uniqueItems) {
      for (let i = 1; i < v.length; i++) {
        const j = v.findIndex((x, k) => k < i && deepEqual(x, v[i]));
        if (j >= 0) out.push({ message: `Duplicate item ${show(v[i])} (same as ${formatPath([...path, j])}).`, path: [...path, i], keyword: "uniqueItems" });
      }
    }
    if (s.contains && !v.some((item) => validateAgainstSchema(item, s.contains!, root).length === 0)) {
      err(s.errorMessage ?? `${where(path)} must contain an item matching ${s.contains.title ?? "the schema"}.`, "contains");
    }
  }

  if (typeof v === "object" && v !== null && !Array.isArray(v)) {
    const obj = v as Record<string, unknown>;
    const keys = Object.keys(obj);
    for (const r of s.required ?? []) {
      if (!Object.prototype.hasOwnProperty.call(obj, r)) {
        err(`${path.length ? formatPath(path) : "The file"} is missing the required property "${r}".`, "required", { kind: "missing", property: r });
      }
    }
    if (s.minProperties !== undefined && keys.length < s.minProperties) {
      err(s.errorMessage ?? `${where(path)} must have at least ${s.minProperties} properties.`, "minProperties");
    }
    const props = s.properties ?? {};
    for (const k of keys) {
      if (Object.prototype.hasOwnProperty.call(props, k)) {
        check(obj[k], props[k], [...path, k], out, root);
      } else if (s.additionalProperties === false) {
        const known = Object.keys(props);
        const close = known
          .map((n) => ({ n, d: levenshtein(k.toLowerCase(), n.toLowerCase()) }))
          .filter((x) => x.d <= Math.max(1, Math.floor(x.n.length / 3)))
          .sort((a, b) => a.d - b.d)[0];
        const hint = close ? ` Did you mean "${close.n}"?` : known.length ? ` Allowed: ${known.map((n) => `"${n}"`).join(", ")}.` : "";
        out.push({ message: `Unknown property "${k}" in ${where(path).replace(/^The file$/, "the file")}.${hint}`, path: [...path, k], kind: "key", keyword: "additionalProperties" });
      } else if (typeof s.additionalProperties === "object") {
        check(obj[k], s.additionalProperties, [...path, k], out, root);
      }
    }
  }

  for (const sub of s.allOf ?? []) check(v, sub, path, out, root);
  if (s.anyOf) {
    const results = s.anyOf.map((sub) => validateAgainstSchema(v, sub, root));
    if (!results.some((r) => r.length === 0)) out.push(...bestBranch(results));
  }
  if (s.oneOf) {
    const results = s.oneOf.map((sub) => validateAgainstSchema(v, sub, root));
    const passing = results.filter((r) => r.length === 0).length;
    if (passing === 0) out.push(...bestBranch(results));
    else if (passing > 1) err(s.errorMessage ?? `${where(path)} matches more than one allowed form.`, "oneOf");
  }
  if (s.not && validateAgainstSchema(v, s.not, root).length === 0) err(s.errorMessage ?? `${where(path)} is not allowed here.`, "not");
  if (s.if) {
    const ok = validateAgainstSchema(v, s.if, root).length === 0;
    const branch = ok ? s.then : s.else;
    if (branch) check(v, branch, path, out, root);
  }
  // Paths of nested problems are relative to the sub-validation; re-root them.
  function bestBranch(results: Problem[][]): Problem[] {
    // The branch whose problems are fewest and deepest is most likely the one the author meant.
    const best = results.slice().sort((a, b) => a.length - b.length || depth(b) - depth(a))[0];
    return best.map((p) => ({ ...p, path: [...path, ...p.path], message: p.message }));
  }
}

function depth(ps: Problem[]): number {
  return Math.max(0, ...ps.map((p) => p.path.length));
}

/**
 * Validates a parsed marginalia.json: the JSON Schema, then the rules draft-07 cannot express
 * (unique annotation ids, unique entity ids, start ≤ end). Problems are in document order of paths
 * as they are found.
 */
export function validate(value: unknown): Problem[] {
  const problems = validateAgainstSchema(value, annotationFileSchema);
  if (typeof value !== "object" || value === null || Array.isArray(value)) return problems;
  const file = value as Partial<Record<keyof AnnotationFile, unknown>>;

  const dupes = (list: unknown, what: string, key: "annotations" | "entities") => {
    if (!Array.isArray(list)) return;
    const seen = new Map<string, number>();
    list.forEach((item, i) => {
      const id = (item as { id?: unknown } | null)?.id;
      if (typeof id !== "string") return;
      const first = seen.get(id);
      if (first === undefined) seen.set(id, i);
      else problems.push({ message: `Duplicate ${what} id "${id}" (already used by ${key}[${first}]).`, path: [key, i, "id"], keyword: "duplicate-id" });
    });
  };
  dupes(file.annotations, "annotation", "annotations");
  dupes(file.entities, "entity", "entities");

  if (Array.isArray(file.annotations)) {
    file.annotations.forEach((a, i) => {
      const selectors = (a as { target?: { selector?: unknown } } | null)?.target?.selector;
      if (!Array.isArray(selectors)) return;
      selectors.forEach((sel, j) => {
        const s = sel as { type?: unknown; start?: unknown; end?: unknown } | null;
        if (s?.type === "TextPositionSelector" && typeof s.start === "number" && typeof s.end === "number" && s.end < s.start) {
          problems.push({ message: `The end (${s.end}) of a TextPositionSelector must not be before its start (${s.start}).`, path: ["annotations", i, "target", "selector", j, "end"], keyword: "position-order" });
        }
      });
    });
  }
  return problems;
}

/** Type guard: true when `value` is a valid AnnotationFile (possibly without entities/annotations). */
export function isValidAnnotationFile(value: unknown): value is Partial<AnnotationFile> {
  return validate(value).length === 0;
}
