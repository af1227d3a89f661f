// Code actions: verdicts, sources and notes on a claim; new entities and aliases from a selection.
// Each action carries a command: the client asks for the note / URL / entity, then asks the server
// to write marginalia.json (commands.ts), so every write is one format-preserving workspace edit.
import type { Corpus } from "../corpus/corpus";
import type { AnchoredAnnotation } from "../annotations";
import { rangeOf, type Range } from "./protocolTypes";

export interface Command {
  title: string;
  command: string;
  arguments?: unknown[];
}

export interface CodeAction<D = unknown> {
  title: string;
  kind: string;
  command: Command;
  isPreferred?: boolean;
  diagnostics?: D[];
}

/** Client commands (they prompt, then call the server commands in commands.ts). */
export const ClientCommand = {
  annotate: "marginalia.annotateClaim",
  addSource: "marginalia.addSource",
  clearVerdict: "marginalia.clearVerdict",
  newEntity: "marginalia.newEntityFromSelection",
  addAlias: "marginalia.addAliasFromSelection",
} as const;

export interface ClaimTarget {
  uri: string;
  range: Range;
  /** The annotation already on this claim, if any. */
  annotationId?: string;
}

const VERDICT_ACTIONS = [
  { verdict: "verified", title: "Mark claim as verified…" },
  { verdict: "disputed", title: "Mark claim as disputed…" },
  { verdict: "false", title: "Mark claim as false…" },
] as const;

export function codeActions<D>(
  corpus: Corpus,
  uri: string,
  start: number,
  end: number,
  annotations: readonly AnchoredAnnotation[],
  diagnostics: D[] = [],
  canWrite = true,
): CodeAction<D>[] {
  const doc = corpus.get(uri);
  if (!doc || !canWrite) return [];
  const out: CodeAction<D>[] = [];
  const claim = corpus.claimAt(uri, start) ?? (end > start ? corpus.claimAt(uri, end) : undefined);
  if (claim) {
    const existing = annotations.find((a) => a.anchor.start < claim.claim.end && claim.claim.start < a.anchor.end);
    const target: ClaimTarget = { uri, range: rangeOf(doc, claim.claim.start, claim.claim.end), annotationId: existing?.annotation.id };
    const current = existing?.annotation.body.verdict;
    for (const a of VERDICT_ACTIONS) {
      if (a.verdict === current) continue;
      out.push({
        title: a.title,
        kind: diagnostics.length ? "quickfix" : "refactor.rewrite",
        command: { title: a.title, command: ClientCommand.annotate, arguments: [{ ...target, verdict: a.verdict }] },
        isPreferred: a.verdict === "disputed" && diagnostics.length > 0 ? true : undefined,
        diagnostics: diagnostics.length ? diagnostics : undefined,
      });
    }
    out.push({ title: "Add source…", kind: "refactor.rewrite", command: { title: "Add source…", command: ClientCommand.addSource, arguments: [target] } });
    if (current) out.push({ title: "Clear verdict", kind: "refactor.rewrite", command: { title: "Clear verdict", command: ClientCommand.clearVerdict, arguments: [target] } });
  }
  if (end > start) {
    const text = doc.text.slice(start, end).trim();
    if (text.length > 0 && text.length <= 80 && !/[\r\n]/.test(text)) {
      out.push({ title: `New entity from selection “${text}”…`, kind: "refactor.extract", command: { title: "New entity from selection…", command: ClientCommand.newEntity, arguments: [{ uri, text }] } });
      out.push({ title: `Add “${text}” as alias of…`, kind: "refactor.extract", command: { title: "Add as alias of…", command: ClientCommand.addAlias, arguments: [{ uri, text }] } });
    }
  }
  return out;
}
