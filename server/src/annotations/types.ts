// The data model of marginalia.json (DESIGN.md §3 "Annotation", §6), as plain TypeScript types.
// The JSON Schema in server/data/marginalia.schema.json is the source of truth; these types and
// constants mirror it (a unit test checks that the enums agree).
//
// No `vscode` / `vscode-languageserver` imports: used by the language server and by the CLI.

/** Entity kinds (same list as analysis' EntityType; kept separate so that this layer has no upward imports). */
export const ENTITY_TYPES = [
  "person",
  "organization",
  "government",
  "model",
  "chip",
  "product",
  "policy",
  "concept",
  "place",
  "event",
  "work",
] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];

/** Verdicts of a claim review. */
export const VERDICTS = ["verified", "disputed", "false", "unverified"] as const;
export type Verdict = (typeof VERDICTS)[number];

/** W3C Web Annotation motivations. Claim reviews use "assessing". */
export const MOTIVATIONS = [
  "assessing",
  "bookmarking",
  "classifying",
  "commenting",
  "describing",
  "editing",
  "highlighting",
  "identifying",
  "linking",
  "moderating",
  "questioning",
  "replying",
  "tagging",
] as const;
export type Motivation = (typeof MOTIVATIONS)[number];

/** W3C TextQuoteSelector: the passage and some context around it (≈32 code points each side). */
export interface TextQuoteSelector {
  type: "TextQuoteSelector";
  exact: string;
  prefix?: string;
  suffix?: string;
}

/** W3C TextPositionSelector: [start, end) in Unicode code points (NOT UTF-16 code units). */
export interface TextPositionSelector {
  type: "TextPositionSelector";
  start: number;
  end: number;
}

export type Selector = TextQuoteSelector | TextPositionSelector;

export interface AnnotationTarget {
  /** Document path relative to the workspace root, forward slashes (seeds/004_c3108abaa56f84f0.txt). */
  source: string;
  /** Must contain a TextQuoteSelector; usually also a TextPositionSelector. */
  selector: Selector[];
}

/**
 * The body of an annotation: a review of the claim in the target passage.
 *
 * Maps onto schema.org ClaimReview (https://schema.org/ClaimReview) as follows
 * (see {@link toSchemaOrgClaimReview}):
 *
 * | marginalia.json | schema.org ClaimReview                                   |
 * |-----------------|----------------------------------------------------------|
 * | `verdict`       | `reviewRating.alternateName` (a `Rating`)                |
 * | `note`          | `reviewBody`                                             |
 * | `sources`       | `citation` (URLs)                                        |
 * | `author`        | `author` (a `Person` with that name)                     |
 * | `date`          | `datePublished`                                          |
 * | target `exact`  | `claimReviewed`                                          |
 * | target `source` | `itemReviewed` (a `Claim`) → `appearance.url`            |
 */
export interface ClaimReviewBody {
  type: "ClaimReview";
  verdict?: Verdict;
  note?: string;
  sources?: string[];
  author?: string;
  /** ISO 8601 date or date-time. */
  date?: string;
}

/** A W3C Web Annotation whose body is a claim review. */
export interface Annotation {
  "@context"?: string;
  /** Unique id, usually `urn:uuid:…`. */
  id: string;
  type: "Annotation";
  /** RFC 3339 date-time. */
  created?: string;
  /** RFC 3339 date-time. */
  modified?: string;
  creator?: string;
  motivation?: Motivation;
  target: AnnotationTarget;
  body: ClaimReviewBody;
}

/**
 * A user entity: either a new entity (id, name, type) or an override of a built-in entity with the
 * same id (aliases are added to the built-in names; `name` renames it).
 */
export interface UserEntity {
  id: string;
  name?: string;
  type?: EntityType;
  aliases?: string[];
  description?: string | { en?: string; zh?: string };
  parent?: string;
  wikidata?: string;
}

/** The parsed file, with `entities` and `annotations` always present (empty when the file omits them). */
export interface AnnotationFile {
  $schema?: string;
  "@context"?: string;
  entities: UserEntity[];
  annotations: Annotation[];
}

/** A path into a JSON value: property names and array indexes (`["annotations", 3, "body", "verdict"]`). */
export type JsonPath = (string | number)[];

/** A text edit on the file: replace `length` UTF-16 units at `offset` with `content`. */
export interface TextEdit {
  offset: number;
  length: number;
  content: string;
}

export function emptyAnnotationFile(): AnnotationFile {
  return { entities: [], annotations: [] };
}

export function quoteSelectorOf(selectors: readonly Selector[]): TextQuoteSelector | undefined {
  return selectors.find((s): s is TextQuoteSelector => s.type === "TextQuoteSelector");
}

export function positionSelectorOf(selectors: readonly Selector[]): TextPositionSelector | undefined {
  return selectors.find((s): s is TextPositionSelector => s.type === "TextPositionSelector");
}

/** schema.org ClaimReview as JSON-LD (for exports, e.g. the CLI's JSON output). */
export interface SchemaOrgClaimReview {
  "@context": "https://schema.org";
  "@type": "ClaimReview";
  identifier: string;
  claimReviewed?: string;
  itemReviewed: { "@type": "Claim"; appearance: { "@type": "CreativeWork"; url: string } };
  reviewRating?: { "@type": "Rating"; alternateName: Verdict };
  reviewBody?: string;
  citation?: string[];
  author?: { "@type": "Person"; name: string };
  datePublished?: string;
}

/**
 * Converts an annotation to schema.org ClaimReview. `sourceUrl` turns the workspace-relative
 * `target.source` into a URL (defaults to the relative path itself).
 */
export function toSchemaOrgClaimReview(a: Annotation, sourceUrl: (source: string) => string = (s) => s): SchemaOrgClaimReview {
  const quote = quoteSelectorOf(a.target.selector);
  const review: SchemaOrgClaimReview = {
    "@context": "https://schema.org",
    "@type": "ClaimReview",
    identifier: a.id,
    itemReviewed: { "@type": "Claim", appearance: { "@type": "CreativeWork", url: sourceUrl(a.target.source) } },
  };
  if (quote) review.claimReviewed = quote.exact;
  if (a.body.verdict) review.reviewRating = { "@type": "Rating", alternateName: a.body.verdict };
  if (a.body.note !== undefined) review.reviewBody = a.body.note;
  if (a.body.sources?.length) review.citation = [...a.body.sources];
  const author = a.body.author ?? a.creator;
  if (author) review.author = { "@type": "Person", name: author };
  const date = a.body.date ?? a.modified ?? a.created;
  if (date) review.datePublished = date;
  return review;
}
