// The data model of DESIGN.md §3, as plain data. Offsets are UTF-16 code units into the
// original document text (the LSP's own unit), half-open [start, end).

export interface Span {
  start: number;
  end: number;
}

export type EntityType =
  | "person"
  | "organization"
  | "government"
  | "model"
  | "chip"
  | "product"
  | "policy"
  | "concept"
  | "place"
  | "event"
  | "work";

export type Script = "en" | "zh-Hans" | "zh-Hant";

/** Names of an entity by script; `regional` holds regional forms (輝達, 川普) and other aliases. */
export interface EntityNames {
  en?: string[];
  "zh-Hans"?: string[];
  "zh-Hant"?: string[];
  regional?: string[];
  /** Short forms (surnames, bare model names) that only count once the full name was seen in the document. */
  short?: string[];
}

export interface EntityDef {
  id: string;
  type: EntityType;
  /** Canonical display name. */
  name: string;
  names: EntityNames;
  description?: { en?: string; zh?: string };
  /** Id of a parent entity (DeepSeek-V3 → deepseek) used to key figures. */
  parent?: string;
  wikidata?: string;
}

export type MentionSource = "catalog" | "gloss" | "learned" | "candidate" | "user";

export interface Mention extends Span {
  entityId: string;
  surface: string;
  via: MentionSource;
  /** True for a full name, false for a short form resolved from an earlier full name. */
  full: boolean;
  /** True when this mention is part of a gloss that binds two names (保罗·特里奥罗(Paul Triolo)). */
  gloss?: boolean;
}

/** An entity first seen in this document (gloss or candidate), not known to any catalog. */
export interface LearnedEntity {
  id: string;
  type: EntityType;
  name: string;
  names: string[];
  via: "gloss" | "candidate";
  /** For a gloss: the learned ids its names have as candidates elsewhere (learnedId of each folded name). */
  aliases?: string[];
}

export type Qualifier = "about" | "over" | "under" | "nearly" | "at-least" | "at-most" | "up-to";

export type FigureKind = "count" | "currency" | "percent" | "multiple" | "year" | "date" | "duration" | "number";

export interface Figure extends Span {
  /** Surface text of the figure (qualifier included when it is adjacent). */
  text: string;
  kind: FigureKind;
  /** Normalized value; for a range, the low end. */
  value: number;
  /** For a range (2026-2027, 一到两年, 数十亿), the high end. */
  high?: number;
  /** Vague magnitude (数十亿, 几万, 十几) rather than an exact figure. */
  approximate?: boolean;
  qualifier?: Qualifier;
  /** ISO 4217 code for currency figures: USD, CNY, EUR… */
  currency?: string;
  /** Chinese classifier or English unit word: 块, 張, 颗, 家, 个, 名, 年, 倍… */
  classifier?: string;
  /** The noun counted, when it follows the figure closely: GPU, 芯片, 顯示卡, 员工. */
  noun?: string;
  /** Human display of the normalized value: `50,000`, `US$6,000,000`, `47%`, `2026–2027`. */
  display: string;
  /** Whether the figure is written with Chinese numerals (those get inlay hints). */
  chineseNumerals: boolean;
  /** Filled by analysis when a subject is found: `deepseek/gpu-count`. */
  key?: string;
  /** Entity id the figure is about, when found. */
  subject?: string;
}

export type CueKind = "rumor" | "unconfirmed" | "speculation" | "negation" | "disputed";

export interface Cue extends Span {
  kind: CueKind;
  word: string;
}

export type Certainty = "asserted" | "attributed" | "hedged" | "unverified" | "rumor" | "disputed";

export interface Speaker {
  name: string;
  entityId?: string;
  span?: Span;
}

export interface Claim extends Span {
  certainty: Certainty;
  /** The cue words that decided the certainty (already filtered by negation). */
  cues: Cue[];
  speaker?: Speaker;
  verb?: string;
  entityIds: string[];
  /** Indexes into DocumentAnalysis.figures. */
  figures: number[];
}

export interface DocumentAnalysis {
  /** zh-Hans / zh-Hant / en / mixed */
  language: "zh-Hans" | "zh-Hant" | "en" | "mixed";
  mentions: Mention[];
  learned: LearnedEntity[];
  figures: Figure[];
  sentences: Span[];
  claims: Claim[];
}
