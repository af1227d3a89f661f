// Diagnostic severities as a user sets them (marginalia.diagnostics.severity): turning the claim codes
// off hides the claims' diagnostics and nothing else.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { Corpus } from "../../server/src/corpus/corpus";
import { relatedClaims } from "../../server/src/corpus/related";
import { analyzeDocument } from "../../server/src/analysis/analyze";
import { packAnalysis } from "../../server/src/analysis/packed";
import { lineTable } from "../../server/src/analysis/lineTable";
import { documentDiagnostics, type DiagnosticCodeName, type SeverityName } from "../../server/src/service/diagnostics";
import { anchorAll, createSelector, makeAnnotation } from "../../server/src/annotations";

const A = "file:///w/a.txt";
const B = "file:///w/b.txt";
const RUMOR = "据传 DeepSeek 拥有 5 万块 H100 芯片，但这一说法未经证实。";
const textA = `${RUMOR}\n另据报道，DeepSeek 的训练成本为 600 万美元。\n`;
const textB = "官方披露，DeepSeek 的训练成本为 900 万美元。\n";
const CLAIMS_OFF: Partial<Record<DiagnosticCodeName, SeverityName>> = { rumor: "off", unconfirmed: "off", speculation: "off", disputed: "off" };

function corpus(): Corpus {
  const c = new Corpus();
  c.set(A, textA);
  c.set(B, textB);
  return c;
}

test("by default the rumor is a Warning and the training costs disagree", () => {
  const codes = documentDiagnostics(corpus(), A).map((d) => d.code);
  assert.ok(codes.includes("rumor") || codes.includes("unconfirmed"), `claim diagnostics: ${codes.join(", ")}`);
  assert.ok(codes.includes("figure-mismatch"), `figure mismatch: ${codes.join(", ")}`);
});

test("claim codes off: no claim diagnostics, the figure mismatch is still reported", () => {
  const ds = documentDiagnostics(corpus(), A, CLAIMS_OFF);
  assert.deepEqual(
    ds.map((d) => d.code),
    ["figure-mismatch"],
  );
});

test("claim codes off: a verdict on a claim is still reported as on that claim", () => {
  const at = textA.indexOf(RUMOR);
  const annotation = makeAnnotation({ source: "a.txt", selector: createSelector(textA, at, at + RUMOR.length), verdict: "false", note: "denied", now: "2025-01-01T00:00:00Z" });
  const { anchored } = anchorAll(textA, [annotation]);
  assert.equal(anchored.length, 1);
  const verdict = documentDiagnostics(corpus(), A, CLAIMS_OFF, anchored).find((d) => d.code === "verdict-false");
  assert.ok(verdict, "the verdict's diagnostic");
  assert.match(verdict.message, /You marked this claim false: “denied”/);
  assert.doesNotMatch(verdict.message, /annotated text/, "it lies on a claim");
  assert.equal(typeof verdict.data?.claim, "number");
});

test("everything off: no diagnostics at all", () => {
  const off = Object.fromEntries(["rumor", "unconfirmed", "speculation", "disputed", "figure-mismatch", "verdict-false", "verdict-disputed", "verdict-unverified", "verified"].map((c) => [c, "off"]));
  assert.deepEqual(documentDiagnostics(corpus(), A, off as Partial<Record<DiagnosticCodeName, SeverityName>>), []);
});

test("a closed document (packed, text read on demand) gets the same diagnostics and related claims as an open one", () => {
  const dir = path.resolve("seeds");
  const texts = new Map<string, string>([
    [A, textA],
    [B, textB],
  ]);
  for (const f of fs.readdirSync(dir).filter((f) => f.endsWith(".md") || f.endsWith(".txt"))) texts.set(`file:///w/${f}`, fs.readFileSync(path.join(dir, f), "utf8"));
  const open = new Corpus();
  const closed = new Corpus();
  for (const [uri, text] of texts) {
    open.set(uri, text);
    const packed = packAnalysis(analyzeDocument(text, closed.catalog));
    closed.setPacked(uri, packed, lineTable(text), 0, undefined, () => text);
  }
  let compared = 0;
  for (const uri of texts.keys()) {
    const expected = documentDiagnostics(open, uri);
    assert.deepEqual(documentDiagnostics(closed, uri), expected, uri);
    compared += expected.length;
    open.get(uri)!.analysis.claims.forEach((claim, index) => {
      const plain = (r: ReturnType<typeof relatedClaims>) => r.map((x) => ({ ...x, claim: { ...x.claim } }));
      assert.deepEqual(plain(relatedClaims(closed, { uri, claim: closed.claimOf(uri, index)!, index })), plain(relatedClaims(open, { uri, claim, index })), `${uri} claim ${index}`);
    });
  }
  assert.ok(compared > 10, `only ${compared} diagnostics compared`);
});
