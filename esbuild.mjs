// Bundles the client, the server and the CLI into dist/; with --tests, every test file into out/test/.
import * as esbuild from "esbuild";
import fs from "node:fs";
import path from "node:path";

const watch = process.argv.includes("--watch");
const tests = process.argv.includes("--tests");
const common = { mainFields: ["module", "main"], bundle: true, platform: "node", target: "node20", format: "cjs", sourcemap: true, logLevel: "warning", legalComments: "none" };

function walk(dir, pick) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p, pick) : pick(p) ? [p] : [];
  });
}

// The server's data (entity catalog, lexicons) as JSON.parse of a string rather than object
// literals: V8 parses JSON about twice as fast as the same data as code (the catalog loaded in
// 25 ms as a literal, 13.5 ms this way).
const dataAsJson = {
  name: "data-as-json",
  setup(build) {
    build.onLoad({ filter: /[\\/]server[\\/]data[\\/][^\\/]+\.json$/ }, async (args) => ({
      contents: `module.exports = JSON.parse(${JSON.stringify(JSON.stringify(JSON.parse(await fs.promises.readFile(args.path, "utf8"))))});`,
      loader: "js",
    }));
  },
};

const builds = tests
  ? [
      {
        ...common,
        entryPoints: walk("test", (p) => /\.test\.ts$/.test(p) || p.startsWith(path.join("test", "vscode"))  && p.endsWith(".ts")).map((p) => ({ in: p, out: p.replace(/^test[\\/]/, "").replace(/\.ts$/, "") })),
        outdir: "out/test",
        external: ["vscode"],
      },
    ]
  : [
      { ...common, entryPoints: { extension: "client/src/extension.ts" }, outdir: "dist", external: ["vscode"] },
      { ...common, entryPoints: { server: "server/src/server.ts", cli: "server/src/cli.ts", worker: "server/src/worker.ts", statWorker: "server/src/statWorker.ts" }, outdir: "dist", banner: { js: "" }, plugins: [dataAsJson] },
    ];

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
