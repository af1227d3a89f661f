// The CLI as a CI job would run it: output formats, exit codes, and atomic annotation writes.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const cli = path.resolve("dist/cli.js");
const run = (args: string[], cwd = process.cwd()) => spawnSync(process.execPath, [cli, ...args], { cwd, encoding: "utf8" });

const made: string[] = [];
after(() => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

function workspace(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "marginalia-cli-"));
  made.push(dir);
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const RUMOR = "据说该公司秘密囤积了十万块显卡，但这一说法并未得到官方确认。\n";
const PLAIN = "该公司成立于2023年，总部位于杭州。\n";

test("text output: one line per diagnostic, relative paths, exit 1 on warnings", () => {
  const dir = workspace({ "news/a.txt": RUMOR, "b.md": PLAIN });
  const r = run(["check", "."], dir);
  assert.equal(r.status, 1, r.stderr);
  const lines = r.stdout.trim().split("\n");
  assert.ok(lines.length >= 1);
  assert.match(lines[0], /^news\/a\.txt:1:\d+ warning (rumor|unconfirmed) .+$/);
  assert.ok(!r.stdout.includes(dir), "paths are relative");
});

test("--fail-on decides the exit code", () => {
  const dir = workspace({ "a.txt": RUMOR });
  assert.equal(run(["check", ".", "--fail-on", "none"], dir).status, 0);
  assert.equal(run(["check", ".", "--fail-on", "warning"], dir).status, 1);
  const plain = workspace({ "a.txt": PLAIN });
  assert.equal(run(["check", "."], plain).status, 0);
});

test("usage errors exit 2 with a one-line message", () => {
  for (const args of [["check", "--format", "xml"], ["frobnicate"], ["check", "--fail-on"], ["check", "no/such/dir"]]) {
    const r = run(args);
    assert.equal(r.status, 2, args.join(" "));
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
  }
});

test("JSON lists entities, figures, claims and diagnostics", () => {
  const dir = workspace({ "a.txt": "英伟达的 H20 芯片据说卖出了五万块，但未经证实。\n" });
  const r = run(["check", ".", "--format", "json"], dir);
  const out = JSON.parse(r.stdout);
  const doc = out.documents[0];
  assert.equal(doc.file, "a.txt");
  assert.ok(doc.entities.some((e: any) => e.id === "nvidia"));
  assert.ok(doc.figures.some((f: any) => f.value === 50000));
  assert.ok(doc.claims.some((c: any) => c.certainty === "rumor" || c.certainty === "unverified"));
  assert.ok(doc.diagnostics.length >= 1);
});

test("SARIF 2.1.0 with UTF-16 columns", () => {
  const dir = workspace({ "a.txt": "看😀。" + RUMOR });
  const r = run(["check", ".", "--format", "sarif"], dir);
  const s = JSON.parse(r.stdout);
  assert.equal(s.version, "2.1.0");
  const run0 = s.runs[0];
  assert.equal(run0.columnKind, "utf16CodeUnits");
  assert.equal(run0.tool.driver.name, "marginalia");
  const res = run0.results[0];
  assert.equal(res.locations[0].physicalLocation.artifactLocation.uri, "a.txt");
  // 看 (1 unit) + 😀 (2 units) + 。 (1 unit): the claim starts at UTF-16 column 5, 1-based.
  assert.equal(res.locations[0].physicalLocation.region.startColumn, 5);
  assert.ok(run0.tool.driver.rules.some((x: any) => x.id === res.ruleId));
});

test("annotate writes marginalia.json atomically and check then reports the verdict", () => {
  const dir = workspace({ "a.txt": RUMOR });
  const r = run(["annotate", "a.txt", "--quote", "秘密囤积了十万块显卡", "--verdict", "false", "--note", "Denied by the company"], dir);
  assert.equal(r.status, 0, r.stderr);
  const files = fs.readdirSync(dir);
  assert.deepEqual(files.sort(), ["a.txt", "marginalia.json"], "no temporary files left behind");
  const json = JSON.parse(fs.readFileSync(path.join(dir, "marginalia.json"), "utf8"));
  assert.equal(json.annotations[0].body.verdict, "false");
  const c = run(["check", "."], dir);
  assert.match(c.stdout, /verdict-false You marked this claim false: “Denied by the company”/);
});

test("annotate refuses to touch an invalid marginalia.json", () => {
  const bad = '{ "annotations": [ { "id": 1 } ] }\n';
  const dir = workspace({ "a.txt": RUMOR, "marginalia.json": bad });
  const r = run(["annotate", "a.txt", "--quote", "十万块显卡", "--verdict", "disputed"], dir);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /not changed/);
  assert.equal(fs.readFileSync(path.join(dir, "marginalia.json"), "utf8"), bad);
});
