// The entity catalog: built-in entries from server/data/entities.json plus the user's additions and
// overrides from marginalia.json, compiled into one automaton over folded names (DESIGN.md §4).
import type { EntityDef, EntityType } from "./types";
import { foldString } from "./fold";
import { PatternMatcher } from "./matcher";

/** A user entry from marginalia.json: a new entity, or extra aliases / a new name for a known one. */
export interface UserEntity {
  id: string;
  name?: string;
  type?: EntityType;
  aliases?: string[];
  description?: string;
}

export interface CatalogName {
  entityId: string;
  /** The name as written in the catalog (for case rules on Latin names). */
  surface: string;
}

export class Catalog {
  readonly entities = new Map<string, EntityDef>();
  /** Pattern index → the names it stands for (usually one). */
  readonly patterns: CatalogName[][] = [];
  readonly matcher = new PatternMatcher();
  /** Ids that come from (or were changed by) the user's file. */
  readonly userIds = new Set<string>();
  /** Pattern index → 1 when its name is written capitalized and without digits (Claude): the text must capitalize it too. */
  readonly capitalOnly: Uint8Array;
  /** Pattern index → the entity its name stands for (the first of `patterns`), and where that entity comes from. */
  readonly patternEntity: string[];
  readonly patternVia: Array<"user" | "catalog">;
  /** Every entity's folded short forms in one trie, so a document is scanned once for all of them. */
  readonly shortMatcher = new PatternMatcher();
  /** Short-form pattern index → the folded form. */
  readonly shortPatterns: string[] = [];
  private byFolded = new Map<string, number>();
  private shorts = new Map<string, string[]>();
  private shortSet = new Set<string>();

  constructor(builtin: readonly EntityDef[], user: readonly UserEntity[] = []) {
    for (const e of builtin) this.entities.set(e.id, structuredClone(e));
    for (const u of user) this.applyUser(u);
    for (const e of this.entities.values()) {
      for (const n of fullNames(e)) this.addName(n, e.id, false);
      for (const n of shortNames(e)) this.addName(n, e.id, true);
    }
    this.capitalOnly = Uint8Array.from(this.patterns, (names) => (needsCapital(names[0].surface) ? 1 : 0));
    this.patternEntity = this.patterns.map((names) => names[0].entityId);
    this.patternVia = this.patternEntity.map((id) => (this.userIds.has(id) ? "user" : "catalog"));
    for (const forms of this.shorts.values())
      for (const f of forms) {
        this.shortPatterns[this.shortMatcher.add(f)] = f;
        this.shortSet.add(f);
      }
  }

  /** Whether a folded string is one of the catalog's short forms (of any entity). */
  isShortForm(folded: string): boolean {
    return this.shortSet.has(folded);
  }

  private applyUser(u: UserEntity): void {
    if (!u || typeof u.id !== "string" || u.id.length === 0) return;
    const known = this.entities.get(u.id);
    const e: EntityDef = known ?? { id: u.id, type: u.type ?? "concept", name: u.name ?? u.id, names: {} };
    if (u.name) e.name = u.name;
    if (u.type) e.type = u.type;
    if (u.description) e.description = { ...e.description, en: u.description };
    const regional = new Set(e.names.regional ?? []);
    if (u.name) regional.add(u.name);
    for (const a of u.aliases ?? []) if (typeof a === "string" && a.trim()) regional.add(a.trim());
    e.names = { ...e.names, regional: [...regional] };
    this.entities.set(e.id, e);
    this.userIds.add(e.id);
  }

  private addName(name: string, entityId: string, short: boolean): void {
    const folded = foldString(name.trim());
    if (folded.length < 2 && !/[\u3400-\u9fff]/.test(folded)) return;
    if (folded.length === 0) return;
    if (short) {
      const list = this.shorts.get(entityId) ?? [];
      list.push(folded);
      this.shorts.set(entityId, list);
      // Short forms are matched per document once the full name was seen; not in the automaton.
      return;
    }
    const p = this.matcher.add(folded);
    this.byFolded.set(folded, p);
    const list = (this.patterns[p] ??= []);
    if (list.some((x) => x.entityId === entityId)) return;
    // User entries win over built-in ones that share a name: put them first.
    const entry = { entityId, surface: name.trim() };
    if (this.userIds.has(entityId)) list.unshift(entry);
    else list.push(entry);
  }

  /** Folded short forms of an entity. */
  shortForms(id: string): readonly string[] {
    return this.shorts.get(id) ?? [];
  }

  get(id: string): EntityDef | undefined {
    return this.entities.get(id);
  }

  /** The entity a name belongs to. */
  lookup(name: string): CatalogName | undefined {
    const p = this.byFolded.get(foldString(name.trim()));
    if (p === undefined) return undefined;
    return this.patterns[p][0];
  }
}

/** A Latin name written capitalized and without digits (Claude, not o1): matched only when capitalized in the text. */
export function needsCapital(surface: string): boolean {
  return /^[A-Z][A-Za-z .'&-]*$/.test(surface) && !/\d/.test(surface);
}

export function fullNames(e: EntityDef): string[] {
  const n = e.names;
  return unique([e.name, ...(n.en ?? []), ...(n["zh-Hans"] ?? []), ...(n["zh-Hant"] ?? []), ...(n.regional ?? [])]);
}

/**
 * Short forms: the catalog's own, plus for people the last part of each full name
 * (Amodei from Dario Amodei, 阿莫代伊 from 达里奥·阿莫代伊).
 */
export function shortNames(e: EntityDef): string[] {
  const out = [...(e.names.short ?? [])];
  if (e.type === "person") for (const n of fullNames(e)) out.push(...surnameForms(n));
  const full = new Set(fullNames(e).map(foldString));
  return unique(out).filter((s) => !full.has(foldString(s)));
}

/**
 * The part of a person's name that later stands alone: what follows the last · of a transliteration
 * (阿莫代伊 of 达里奥·阿莫代伊), or the last word of a Latin name (Amodei of Dario Amodei).
 */
export function surnameForms(name: string): string[] {
  const out: string[] = [];
  const dot = name.lastIndexOf("·");
  if (dot > 0 && name.length - dot - 1 >= 2) out.push(name.slice(dot + 1));
  const words = name.split(/\s+/);
  if (words.length >= 2 && words[words.length - 1].length >= 3) out.push(words[words.length - 1]);
  return out;
}

function unique(xs: string[]): string[] {
  return [...new Set(xs.filter((x) => typeof x === "string" && x.trim().length > 0))];
}
