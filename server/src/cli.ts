// `marginalia check [paths…] [--format text|json|sarif] [--fail-on warning|information|none]`:
// the same corpus and service as the language server, with no editor.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Corpus } from "./corpus/corpus";
import { decodeSource, discover, readSource } from "./corpus/sources";
import { addAnnotation, applyEditsToFile, createSelector, makeAnnotation } from "./annotations";
import { VERDICTS, type Verdict } from "./annotations/types";
import { documentDiagnostics, type Diagnostic } from "./service/diagnostics";
import { annotationFileDiagnostics } from "./service/annotate";
import { ANNOTATION_FILE, WorkspaceAnnotations } from "./corpus/annotations";

const USAGE = `usage: marginalia check [paths…] [--format text|json|sarif] [--fail-on warning|information|none]
       marginalia annotate <file> --quote TEXT --verdict verified|disputed|false|unverified [--note TEXT] [--source URL] [--root DIR]`;
const VERSION = "0.1.0";

class UsageError extends Error {}

interface AnnotateOptions {
  file: string;
  quote: string;
  verdict: Verdict;
  note?: string;
  source?: string;
  root: string;
}

interface Options {
  paths: string[];
  format: "text" | "json" | "sarif";
  failOn: "warning" | "information" | "none";
}

function parseAnnotate(rest: string[]): AnnotateOptions {
  const o: Partial<AnnotateOptions> = { root: "." };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    const key = a.startsWith("--") ? a.slice(2).split("=")[0] : undefined;
    if (!key) {
      if (o.file) throw new UsageError(`unexpected argument '${a}'`);
      o.file = a;
      continue;
    }
    const v = a.includes("=") ? a.slice(a.indexOf("=") + 1) : rest[++i];
    if (v === undefined) throw new UsageError(`--${key} needs a value`);
    if (key === "quote") o.quote = v;
    else if (key === "verdict") {
      if (!VERDICTS.includes(v as Verdict)) throw new UsageError(`--verdict must be one of ${VERDICTS.join(", ")} (got '${v}')`);
      o.verdict = v as Verdict;
    } else if (key === "note") o.note = v;
    else if (key === "source") o.source = v;
    else if (key === "root") o.root = v;
    else throw new UsageError(`unknown option '--${key}'`);
  }
  if (!o.file) throw new UsageError("annotate needs a file");
  if (!o.quote) throw new UsageError("annotate needs --quote");
  if (!o.verdict) throw new UsageError("annotate needs --verdict");
  return o as AnnotateOptions;
}

/** Records a verdict in marginalia.json from the command line, written atomically (temp file + rename). */
function annotate(o: AnnotateOptions): number {
  const root = path.resolve(o.root);
  const file = path.resolve(o.file);
  const rel = path.relative(root, file);
  if (rel.startsWith("..") || path.isAbsolute(rel)) {
    process.stderr.write(`marginalia: ${o.file} is outside the root ${o.root}\n`);
    return 2;
  }
  const read = decodeSource(fs.readFileSync(file));
  if (!read.ok) {
    process.stderr.write(`marginalia: ${o.file}: ${read.reason}\n`);
    return 2;
  }
  const at = read.text.indexOf(o.quote);
  if (at < 0) {
    process.stderr.write(`marginalia: the quote was not found in ${o.file}\n`);
    return 2;
  }
  const source = rel.split(path.sep).join("/");
  const annotation = makeAnnotation({ source, selector: createSelector(read.text, at, at + o.quote.length), verdict: o.verdict, note: o.note, sources: o.source ? [o.source] : undefined });
  try {
    applyEditsToFile(path.join(root, "marginalia.json"), (text) => addAnnotation(text, annotation));
  } catch (e) {
    process.stderr.write(`marginalia: marginalia.json not changed: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  process.stdout.write(`${source}: marked “${o.quote.slice(0, 60)}” as ${o.verdict} (${annotation.id})\n`);
  return 0;
}

function parseArgs(argv: string[]): Options | "help" | "version" | { annotate: AnnotateOptions } {
  if (argv.includes("--help") || argv.includes("-h")) return "help";
  if (argv.includes("--version")) return "version";
  const [cmd, ...rest] = argv;
  if (cmd === "annotate") return { annotate: parseAnnotate(rest) };
  if (cmd !== "check") throw new UsageError(cmd ? `unknown command '${cmd}'` : "missing command");
  const o: Options = { paths: [], format: "text", failOn: "warning" };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    const value = (name: string) => {
      const eq = a.indexOf("=");
      if (eq > 0) return a.slice(eq + 1);
      const v = rest[++i];
      if (v === undefined) throw new UsageError(`${name} needs a value`);
      return v;
    };
    if (a === "--format" || a.startsWith("--format=")) {
      const v = value("--format");
      if (v !== "text" && v !== "json" && v !== "sarif") throw new UsageError(`--format must be text, json or sarif (got '${v}')`);
      o.format = v;
    } else if (a === "--fail-on" || a.startsWith("--fail-on=")) {
      const v = value("--fail-on");
      if (v !== "warning" && v !== "information" && v !== "none") throw new UsageError(`--fail-on must be warning, information or none (got '${v}')`);
      o.failOn = v;
    } else if (a.startsWith("-")) throw new UsageError(`unknown option '${a}'`);
    else o.paths.push(a);
  }
  if (o.paths.length === 0) o.paths.push(".");
  return o;
}

const SEVERITY = ["", "error", "warning", "information", "hint"];

async function main(argv: string[]): Promise<number> {
  let opts: ReturnType<typeof parseArgs>;
  try {
    opts = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`marginalia: ${e.message} (see marginalia --help)\n`);
      return 2;
    }
    throw e;
  }
  if (opts === "help") return (process.stdout.write(USAGE + "\n"), 0);
  if (opts === "version") return (process.stdout.write(VERSION + "\n"), 0);
  if ("annotate" in opts) return annotate(opts.annotate);

  const cwd = process.cwd();
  const files: string[] = [];
  for (const p of opts.paths) {
    const abs = path.resolve(cwd, p);
    if (!fs.existsSync(abs)) {
      process.stderr.write(`marginalia: no such file or directory: ${p}\n`);
      return 2;
    }
    if (fs.statSync(abs).isDirectory()) files.push(...(await discover(abs)));
    else files.push(abs);
  }
  const corpus = new Corpus();
  const rel = (file: string) => path.relative(cwd, file).split(path.sep).join("/") || path.basename(file);
  // The user's marginalia.json in the current directory: entities, verdicts, orphans.
  const annotations = new WorkspaceAnnotations();
  const folder = annotations.addFolder(pathToFileURL(cwd).href, fs.existsSync(path.join(cwd, ANNOTATION_FILE)) ? fs.readFileSync(path.join(cwd, ANNOTATION_FILE), "utf8") : "");
  if (!folder.store.writable) process.stderr.write(`marginalia: ${ANNOTATION_FILE} has errors and is ignored: ${folder.store.problems[0]?.message}\n`);
  if (folder.store.entities.length) corpus.setUserEntities(annotations.userEntities());
  const uriToFile = new Map<string, string>();
  for (const file of [...new Set(files)].sort()) {
    const r = await readSource(file, 32 * 1024 * 1024);
    if (!r.ok) {
      process.stderr.write(`marginalia: skipped ${rel(file)}: ${r.reason}\n`);
      continue;
    }
    const uri = pathToFileURL(file).href;
    uriToFile.set(uri, file);
    corpus.set(uri, r.text, 0, rel(file));
  }

  const all: Array<{ file: string; uri: string; d: Diagnostic }> = [];
  for (const uri of corpus.uris()) for (const d of documentDiagnostics(corpus, uri, {}, annotations.anchored(corpus.get(uri)!).anchored)) all.push({ file: rel(uriToFile.get(uri)!), uri, d });
  if (folder.store.annotations.length)
    for (const d of annotationFileDiagnostics(annotations, folder, corpus)) all.push({ file: ANNOTATION_FILE, uri: folder.fileUri, d: d as unknown as Diagnostic });

  if (opts.format === "text") {
    for (const { file, d } of all) process.stdout.write(`${file}:${d.range.start.line + 1}:${d.range.start.character + 1} ${SEVERITY[d.severity]} ${d.code} ${d.message.replace(/\s+/g, " ")}\n`);
    const w = all.filter((x) => x.d.severity <= 2).length;
    process.stderr.write(`${corpus.size} documents, ${all.length} diagnostics (${w} warnings)\n`);
  } else if (opts.format === "json") {
    const out = corpus.documents().map((doc) => ({
      file: rel(uriToFile.get(doc.uri)!),
      language: doc.analysis.language,
      entities: doc.analysis.mentions.map((m) => ({ id: corpus.canonical(m.entityId), name: corpus.entity(m.entityId)?.name, surface: m.surface, via: m.via, range: range(doc, m.start, m.end) })),
      figures: doc.analysis.figures.map((f) => ({ text: f.text, kind: f.kind, value: f.value, high: f.high, display: f.display, qualifier: f.qualifier, key: f.key, range: range(doc, f.start, f.end) })),
      claims: doc.analysis.claims.map((c) => ({ text: doc.text.slice(c.start, c.end), certainty: c.certainty, cues: c.cues.map((q) => ({ word: q.word, kind: q.kind })), speaker: c.speaker?.name, verb: c.verb, range: range(doc, c.start, c.end) })),
      diagnostics: all.filter((x) => x.uri === doc.uri).map((x) => ({ severity: SEVERITY[x.d.severity], code: x.d.code, message: x.d.message, range: x.d.range })),
    }));
    process.stdout.write(JSON.stringify({ version: VERSION, documents: out }, null, 2) + "\n");
  } else {
    process.stdout.write(JSON.stringify(sarif(all), null, 2) + "\n");
  }
  const failing = opts.failOn === "none" ? 0 : all.filter((x) => x.d.severity <= (opts.failOn === "warning" ? 2 : 3)).length;
  return failing > 0 ? 1 : 0;
}

function range(doc: { lines: { positionAt(o: number): { line: number; character: number } } }, s: number, e: number) {
  return { start: doc.lines.positionAt(s), end: doc.lines.positionAt(e) };
}

function sarif(all: Array<{ file: string; d: Diagnostic }>) {
  const rules = [...new Set(all.map((x) => x.d.code))].sort();
  const level = (s: number) => (s === 1 ? "error" : s === 2 ? "warning" : "note");
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "marginalia", version: VERSION, informationUri: "https://github.com/marginalia/marginalia", rules: rules.map((id) => ({ id, shortDescription: { text: RULE_TEXT[id] ?? id } })) } },
        columnKind: "utf16CodeUnits",
        results: all.map(({ file, d }) => ({
          ruleId: d.code,
          level: level(d.severity),
          message: { text: d.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: file },
                region: { startLine: d.range.start.line + 1, startColumn: d.range.start.character + 1, endLine: d.range.end.line + 1, endColumn: d.range.end.character + 1 },
              },
            },
          ],
          relatedLocations: (d.relatedInformation ?? []).map((r, i) => ({ id: i + 1, message: { text: r.message }, physicalLocation: { artifactLocation: { uri: r.location.uri }, region: { startLine: r.location.range.start.line + 1, startColumn: r.location.range.start.character + 1 } } })),
        })),
      },
    ],
  };
}

const RULE_TEXT: Record<string, string> = {
  rumor: "A claim the text itself calls a rumor",
  unconfirmed: "A claim the text says is unconfirmed or unverified",
  speculation: "A hedged or speculative claim",
  disputed: "A claim the text reports as denied or disputed",
  "figure-mismatch": "A figure that disagrees with the same figure in another document",
};

// exitCode, not exit(): a piped stdout is written asynchronously and exit() would cut long output.
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`marginalia: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 3;
  },
);
