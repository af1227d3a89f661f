// Shared harness for the real-VS-Code tests: code-server (installed by .ci/install-code-server.sh into
// .ci-cache/) served on loopback, driven by Debian's Chromium through playwright-core.
// Used by test/ui/editor.ui.mjs and test/vscode/run-code-server.mjs. No downloads: code-server and Node 24
// come from the npm registry, Chromium from Debian.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const CACHE = process.env.MARGINALIA_CI_CACHE || path.join(ROOT, ".ci-cache");

const T0 = Date.now();
/** Logs one line with the seconds since the process started, e.g. `[hover  12.3s] step`. */
export function makeLog(tag) {
  return (...parts) => console.log(`[${tag} ${((Date.now() - T0) / 1000).toFixed(1).padStart(6)}s]`, ...parts);
}

/** Where code-server, Node 24 and Chromium are: from the environment, else from .ci-cache/code-server.env. */
export function findTools() {
  const fromFile = {};
  const envFile = path.join(CACHE, "code-server.env");
  if (fs.existsSync(envFile)) {
    for (const line of fs.readFileSync(envFile, "utf8").split("\n")) {
      const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
      if (m) fromFile[m[1]] = m[2];
    }
  }
  const pick = (k, dflt) => process.env[k] || fromFile[k] || dflt;
  const tools = {
    node24: pick("NODE24"),
    entry: pick("CODE_SERVER_ENTRY"),
    chromium: pick("CHROMIUM", "/usr/bin/chromium"),
  };
  const missing = Object.entries(tools).filter(([, p]) => !p || !fs.existsSync(p));
  if (missing.length) {
    throw new Error(
      `missing ${missing.map(([k, p]) => `${k} (${p ?? "not set"})`).join(", ")}: run \`bash .ci/install-code-server.sh\` first`,
    );
  }
  return tools;
}

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** User settings that keep the Welcome page, Chat and other pop-ups out of the way. */
export const USER_SETTINGS = {
  "workbench.startupEditor": "none",
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "chat.disableAIFeatures": true,
  "editor.hover.delay": 100,
  "editor.hover.sticky": true,
  "editor.minimap.enabled": false,
  "editor.wordWrap": "on",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "workbench.colorTheme": "Default Light Modern",
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "extensions.ignoreRecommendations": true,
  "security.workspace.trust.enabled": false,
  "git.enabled": false,
  "files.autoSave": "off",
  "window.restoreWindows": "none",
};

/**
 * A sandbox for one code-server: its own HOME, XDG dirs, config, user-data-dir and extensions-dir, all in a
 * fresh temporary folder; logs go to test-results/<name>/ (kept for CI artifacts).
 */
export function makeSandbox(name, settings = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `marginalia-${name}-`));
  const sb = {
    dir,
    home: path.join(dir, "home"),
    userDataDir: path.join(dir, "user-data"),
    extensionsDir: path.join(dir, "extensions"),
    chromiumProfile: path.join(dir, "chromium-profile"),
    config: path.join(dir, "config.yaml"),
    logDir: path.join(ROOT, "test-results", name),
  };
  for (const d of [sb.home, sb.userDataDir, sb.extensionsDir, sb.chromiumProfile, sb.logDir]) fs.mkdirSync(d, { recursive: true });
  for (const d of [".config", ".local/share", ".local/state", ".cache"]) fs.mkdirSync(path.join(sb.home, d), { recursive: true });
  fs.writeFileSync(sb.config, "bind-addr: 127.0.0.1:0\nauth: none\ncert: false\n");
  fs.mkdirSync(path.join(sb.userDataDir, "User"), { recursive: true });
  fs.writeFileSync(path.join(sb.userDataDir, "User", "settings.json"), JSON.stringify({ ...USER_SETTINGS, ...settings }, null, 2));
  sb.remove = () => fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  return sb;
}

function sandboxEnv(tools, sb) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    // Variables of a surrounding VS Code (its CLI hook, Electron mode) would redirect code-server's CLI.
    if (/^(VSCODE_|ELECTRON_)/.test(k) || k === "NODE_OPTIONS") continue;
    env[k] = v;
  }
  Object.assign(env, {
    HOME: sb.home,
    XDG_CONFIG_HOME: path.join(sb.home, ".config"),
    XDG_DATA_HOME: path.join(sb.home, ".local/share"),
    XDG_STATE_HOME: path.join(sb.home, ".local/state"),
    XDG_CACHE_HOME: path.join(sb.home, ".cache"),
    PATH: `${path.dirname(tools.node24)}${path.delimiter}${process.env.PATH}`,
    CS_DISABLE_FILE_DOWNLOADS: "1",
  });
  return env;
}

const commonArgs = (sb) => ["--config", sb.config, "--user-data-dir", sb.userDataDir, "--extensions-dir", sb.extensionsDir];

/** `code-server --install-extension FILE.vsix` into the sandbox's extensions dir. */
export function installExtension(tools, sb, vsix, log) {
  const r = spawnSync(tools.node24, [tools.entry, ...commonArgs(sb), "--install-extension", vsix, "--force"], {
    env: sandboxEnv(tools, sb),
    encoding: "utf8",
    timeout: 120_000,
  });
  const out = `${r.stdout ?? ""}${r.stderr ?? ""}`.trim();
  fs.writeFileSync(path.join(sb.logDir, "install-extension.log"), out + "\n");
  if (r.status !== 0 || !/successfully installed|already installed/i.test(out)) {
    throw new Error(`code-server --install-extension ${vsix} failed (exit ${r.status ?? r.signal}):\n${out}`);
  }
  log?.(`  ${out.split("\n").filter((l) => /install/i.test(l)).pop()}`);
  return fs.readdirSync(sb.extensionsDir).filter((d) => !d.startsWith("."));
}

/**
 * Starts code-server on 127.0.0.1:<free port> in its own process group (setsid) and waits for /healthz.
 * Returns { url, port, stop() }; stop() ends the whole group (SIGTERM, then SIGKILL).
 */
export async function startCodeServer(tools, sb, { extraArgs = [], log = () => {}, timeoutMs = 60_000 } = {}) {
  const port = await freePort();
  const logFile = path.join(sb.logDir, "code-server.log");
  const fd = fs.openSync(logFile, "w");
  const args = [
    tools.entry,
    ...commonArgs(sb),
    "--bind-addr", `127.0.0.1:${port}`,
    "--auth", "none",
    "--disable-telemetry",
    "--disable-update-check",
    "--disable-workspace-trust",
    "--disable-getting-started-override",
    "--ignore-last-opened",
    "--reconnection-grace-time", "5",
    ...extraArgs,
  ];
  // detached: the child calls setsid(), so it leads a new process group that stop() can end whole.
  const child = spawn(tools.node24, args, { env: sandboxEnv(tools, sb), cwd: sb.home, detached: true, stdio: ["ignore", fd, fd] });
  fs.closeSync(fd);
  let exited = null;
  child.on("exit", (code, signal) => (exited = { code, signal }));
  const pgid = child.pid;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    const alive = () => {
      try {
        process.kill(-pgid, 0);
        return true;
      } catch {
        return false;
      }
    };
    try {
      process.kill(-pgid, "SIGTERM");
    } catch {}
    for (let i = 0; i < 50 && alive(); i++) await sleep(100);
    if (alive()) {
      try {
        process.kill(-pgid, "SIGKILL");
      } catch {}
      for (let i = 0; i < 20 && alive(); i++) await sleep(100);
    }
  };
  stopHooks.add(stop);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) throw new Error(`code-server exited early (${JSON.stringify(exited)}); log:\n${tail(logFile)}`);
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) break;
    } catch {}
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`code-server did not answer on ${url}/healthz within ${timeoutMs / 1000}s; log:\n${tail(logFile)}`);
    }
    await sleep(200);
  }
  log(`  code-server pid ${pgid} (process group) listening on ${url}; log: ${path.relative(ROOT, logFile)}`);
  return { url, port, pid: pgid, logFile, stop };
}

export function tail(file, lines = 40) {
  try {
    return fs.readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

/** The Chromium flags that work on these machines (closed network, root, no GPU). */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
  "--lang=en-US",
];

/** Debian's Chromium through playwright-core, with a fresh profile (--user-data-dir) in the sandbox. */
export async function launchChromium(tools, sb, { viewport = { width: 1440, height: 900 } } = {}) {
  let chromium;
  try {
    ({ chromium } = await import("playwright-core"));
  } catch (e) {
    throw new Error(`playwright-core is not installed (npm ci installs it as a devDependency): ${e.message}`);
  }
  const context = await chromium.launchPersistentContext(sb.chromiumProfile, {
    executablePath: tools.chromium,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
    deviceScaleFactor: 1,
    locale: "en-US",
    timeout: 60_000,
  });
  const close = async () => {
    try {
      await Promise.race([context.close(), sleep(10_000)]);
    } catch {}
  };
  stopHooks.add(close);
  const page = context.pages()[0] ?? (await context.newPage());
  return { context, page, close };
}

/** Everything started here is stopped on exit, on Ctrl-C/SIGTERM, and on an uncaught error. */
const stopHooks = new Set();
export async function stopAll() {
  for (const stop of [...stopHooks].reverse()) {
    try {
      await stop();
    } catch {}
  }
  stopHooks.clear();
}
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.once(sig, async () => {
    console.error(`\n${sig}: stopping code-server and Chromium`);
    await stopAll();
    process.exit(130);
  });
}

/** Packages the extension with vsce unless `vsix` exists and is newer than dist/; returns the .vsix path. */
export function ensureVsix(vsix, log) {
  const dist = ["dist/extension.js", "dist/server.js"].map((p) => path.join(ROOT, p));
  for (const p of dist) if (!fs.existsSync(p)) throw new Error(`${path.relative(ROOT, p)} is missing: run \`npm run build\` first`);
  const newest = Math.max(...dist.map((p) => fs.statSync(p).mtimeMs), fs.statSync(path.join(ROOT, "package.json")).mtimeMs);
  if (fs.existsSync(vsix) && fs.statSync(vsix).mtimeMs >= newest) return vsix;
  log?.(`  packaging ${path.relative(ROOT, vsix)} (missing or older than dist/): npm run package`);
  const r = spawnSync("npm", ["run", "--silent", "package"], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  if (r.status !== 0 || !fs.existsSync(vsix)) {
    throw new Error(`npm run package failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  }
  return vsix;
}

/** Marks a temporary copy of a workspace: the extension-host suite only writes marginalia.json into a folder that has it. */
export const COPY_MARKER = ".marginalia-test-copy";

/**
 * Copies `src` (default: the repository's seeds/) to `<sandbox>/workspace/<name of src>` and marks the copy, so
 * that tests which write marginalia.json never touch the repository. Returns the copy's path.
 */
export function copyWorkspace(sb, src = path.join(ROOT, "seeds")) {
  const dest = path.join(sb.dir, "workspace", path.basename(path.resolve(src)));
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  fs.cpSync(src, dest, { recursive: true, filter: (p) => !/[\\/](node_modules|\.git)$/.test(p) });
  fs.writeFileSync(path.join(dest, COPY_MARKER), `temporary copy of ${src}, made ${new Date().toISOString()}\n`);
  return dest;
}
