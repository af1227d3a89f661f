// Document outline (entities of the document, grouped) and workspace symbol search by any name.
import type { Corpus } from "../corpus/corpus";
import { locationOf, rangeOf, SymbolKind, type Location, type Range, type SymbolKindValue } from "./protocolTypes";

export interface DocumentSymbol {
  name: string;
  detail?: string;
  kind: SymbolKindValue;
  range: Range;
  selectionRange: Range;
  children?: DocumentSymbol[];
}

export interface WorkspaceSymbol {
  name: string;
  kind: SymbolKindValue;
  containerName?: string;
  location: Location;
}

export const KIND_OF_TYPE: Record<string, SymbolKindValue> = {
  person: SymbolKind.Object,
  organization: SymbolKind.Namespace,
  government: SymbolKind.Namespace,
  model: SymbolKind.Class,
  chip: SymbolKind.Constant,
  product: SymbolKind.Class,
  policy: SymbolKind.Interface,
  concept: SymbolKind.String,
  place: SymbolKind.Field,
  event: SymbolKind.Event,
  work: SymbolKind.Module,
};

export function documentSymbols(corpus: Corpus, uri: string): DocumentSymbol[] {
  const doc = corpus.get(uri);
  if (!doc) return [];
  const groups = new Map<string, typeof doc.analysis.mentions>();
  for (const m of doc.analysis.mentions) {
    const id = corpus.canonical(m.entityId);
    const list = groups.get(id);
    if (list) list.push(m);
    else groups.set(id, [m]);
  }
  const out: DocumentSymbol[] = [];
  for (const [id, ms] of groups) {
    const info = corpus.entity(id);
    if (!info) continue;
    const first = ms[0];
    const last = ms[ms.length - 1];
    out.push({
      name: info.name,
      detail: `${info.type} · ${ms.length}×`,
      kind: KIND_OF_TYPE[info.type] ?? SymbolKind.Object,
      range: rangeOf(doc, first.start, last.end),
      selectionRange: rangeOf(doc, first.start, first.end),
      children: ms.map((m) => ({ name: m.surface, kind: KIND_OF_TYPE[info.type] ?? SymbolKind.Object, range: rangeOf(doc, m.start, m.end), selectionRange: rangeOf(doc, m.start, m.end) })),
    });
  }
  return out.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}

export function workspaceSymbols(corpus: Corpus, query: string): WorkspaceSymbol[] {
  const out: WorkspaceSymbol[] = [];
  for (const info of corpus.searchEntities(query)) {
    const def = corpus.definingMention(info.id);
    if (!def) continue;
    const names = [...info.names.en, ...info.names["zh-Hans"], ...info.names["zh-Hant"]].filter((n) => n !== info.name);
    out.push({ name: info.name, kind: KIND_OF_TYPE[info.type] ?? SymbolKind.Object, containerName: [info.type, ...names.slice(0, 3)].join(" · "), location: locationOf(corpus.get(def.uri)!, def.mention.start, def.mention.end) });
  }
  return out;
}
