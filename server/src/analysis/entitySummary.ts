// What a document says about each entity it mentions — how often, and where first, first in full
// and first in a gloss — so that hover cards and definitions never walk a document's mentions, and
// the persisted index can keep it.
import { mentionCount, mentionEntity, mentionIsFull, mentionIsGloss, type PackedAnalysis } from "./packed";
import type { Mention } from "./types";

/** Entity ids, and per id (count, first, first full, first gloss) as mention indexes (-1: none). */
export interface EntitySummary {
  ids: string[];
  data: Int32Array;
}

export function summarizeEntities(source: PackedAnalysis | readonly Mention[]): EntitySummary {
  const packed = !Array.isArray(source);
  const p = source as PackedAnalysis;
  const list = source as readonly Mention[];
  const n = packed ? mentionCount(p) : list.length;
  // Slots by string-table index for packed analyses (no hashing), by id otherwise.
  const slotOf = new Map<string, number>();
  const slotByIndex = packed ? new Int32Array(p.strings.length).fill(-1) : undefined;
  const ids: string[] = [];
  const rows: number[] = [];
  for (let i = 0; i < n; i++) {
    let slot: number;
    if (slotByIndex) {
      const k = mentionEntity(p, i);
      slot = slotByIndex[k];
      if (slot < 0) {
        slot = slotByIndex[k] = ids.length;
        ids.push(p.strings[k]);
        rows.push(0, i, -1, -1);
      }
    } else {
      const id = list[i].entityId;
      slot = slotOf.get(id) ?? -1;
      if (slot < 0) {
        slotOf.set(id, (slot = ids.length));
        ids.push(id);
        rows.push(0, i, -1, -1);
      }
    }
    const r = slot * 4;
    rows[r]++;
    if (rows[r + 2] < 0 && (packed ? mentionIsFull(p, i) : list[i].full)) rows[r + 2] = i;
    if (rows[r + 3] < 0 && (packed ? mentionIsGloss(p, i) : list[i].gloss)) rows[r + 3] = i;
  }
  return { ids, data: Int32Array.from(rows) };
}
