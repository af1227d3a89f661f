// A `--require` preload for the reliability tests: it makes every outgoing network attempt of the
// process (and of its worker threads, which inherit execArgv) throw, and records it. With
// MARGINALIA_GUARD_LOG=<file> each attempt is appended to that file as one JSON line:
//   { "kind": "network" | "process" | "fs", "api": "net.connect", "target": "...", "thread": 0, "stack": "..." }
// It also records (without blocking) child processes the server starts, and, with
// MARGINALIA_GUARD_FS_ROOTS=<dir>[:<dir>…], file-system accesses outside those directories.
// The server must leave that file empty. Usage:
//   MARGINALIA_GUARD_LOG=/tmp/attempts.jsonl node --require ./test/protocol/guard-network.cjs dist/server.js --stdio
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { threadId } = require("node:worker_threads");

const LOG = process.env.MARGINALIA_GUARD_LOG;
const ROOTS = (process.env.MARGINALIA_GUARD_FS_ROOTS || "")
  .split(path.delimiter)
  .filter(Boolean)
  .map((r) => path.resolve(r));
// Keep references to the real functions: recording must not go through the guarded ones.
const appendFileSync = fs.appendFileSync.bind(fs);
let recording = false;

function record(kind, api, target) {
  if (!LOG || recording) return;
  recording = true;
  try {
    const entry = { kind, api, target: String(target).slice(0, 300), thread: threadId, stack: (new Error().stack || "").split("\n").slice(3, 10).join("\n") };
    appendFileSync(LOG, JSON.stringify(entry) + "\n");
  } catch {
    // nothing to do: the guard must never break the process it watches
  } finally {
    recording = false;
  }
}

class NetworkBlockedError extends Error {
  constructor(api, target) {
    super(`network access blocked by guard-network (${api} ${target})`);
    this.code = "ENETBLOCKED";
  }
}

function describe(args) {
  const a = args[0];
  if (a && typeof a === "object") {
    if (a instanceof URL) return a.href;
    if (a.href) return a.href;
    return `${a.protocol || ""}//${a.host || a.hostname || a.path || ""}${a.port ? ":" + a.port : ""}${a.path && a.host ? a.path : ""}`;
  }
  return args.filter((x) => typeof x !== "function").map(String).join(" ");
}

function block(obj, name, api) {
  if (!obj || typeof obj[name] !== "function") return;
  const guarded = function (...args) {
    const target = describe(args);
    record("network", api, target);
    throw new NetworkBlockedError(api, target);
  };
  try {
    Object.defineProperty(obj, name, { value: guarded, writable: true, configurable: true });
  } catch {
    obj[name] = guarded;
  }
}

const net = require("node:net");
const tls = require("node:tls");
const http = require("node:http");
const https = require("node:https");
const dns = require("node:dns");
const dgram = require("node:dgram");
block(net, "connect", "net.connect");
block(net, "createConnection", "net.createConnection");
// Every TCP / IPC-pipe client connection goes through Socket#connect (stdio pipes never do).
block(net.Socket.prototype, "connect", "net.Socket#connect");
block(tls, "connect", "tls.connect");
for (const [mod, name] of [[http, "http"], [https, "https"]]) {
  block(mod, "request", `${name}.request`);
  block(mod, "get", `${name}.get`);
}
for (const fn of ["lookup", "lookupService", "resolve", "resolve4", "resolve6", "resolveAny", "resolveCname", "resolveMx", "resolveTxt", "resolveSrv", "resolveNs", "reverse"]) {
  block(dns, fn, `dns.${fn}`);
  block(dns.promises, fn, `dns.promises.${fn}`);
}
block(dgram, "createSocket", "dgram.createSocket");
for (const name of ["fetch", "WebSocket", "EventSource"]) {
  if (typeof globalThis[name] === "function") {
    const api = name;
    const guarded = function (...args) {
      const target = describe(args);
      record("network", api, target);
      if (api === "fetch") return Promise.reject(new NetworkBlockedError(api, target));
      throw new NetworkBlockedError(api, target);
    };
    Object.defineProperty(globalThis, name, { value: guarded, writable: true, configurable: true });
  }
}

// Child processes: recorded, not blocked (nothing from a document may ever reach one).
const cp = require("node:child_process");
for (const fn of ["spawn", "spawnSync", "exec", "execSync", "execFile", "execFileSync", "fork"]) {
  const real = cp[fn];
  if (typeof real !== "function") continue;
  cp[fn] = function (...args) {
    record("process", `child_process.${fn}`, describe(args));
    return real.apply(this, args);
  };
}

// File-system access outside the allowed roots: recorded, not blocked. Reading a file's content is
// judged by where the path really leads (symbolic links resolved); other calls by the path itself.
if (ROOTS.length) {
  const realpathSync = fs.realpathSync.native.bind(fs);
  const within = (abs) => ROOTS.some((r) => abs === r || abs.startsWith(r + path.sep));
  const roots = ROOTS.map((r) => {
    try {
      return realpathSync(r);
    } catch {
      return r;
    }
  });
  const inside = (p, content) => {
    if (typeof p === "number") return true; // a descriptor opened earlier
    let s;
    try {
      s = p instanceof URL ? require("node:url").fileURLToPath(p) : Buffer.isBuffer(p) ? p.toString() : String(p);
    } catch {
      return true;
    }
    const abs = path.resolve(s);
    if (!within(abs)) return false;
    if (!content) return true;
    try {
      const real = realpathSync(abs);
      return roots.some((r) => real === r || real.startsWith(r + path.sep));
    } catch {
      return true; // does not exist: nothing is read
    }
  };
  const CONTENT = new Set(["readFile", "open", "createReadStream", "copyFile", "opendir", "readdir"]);
  const watch = (obj, prefix, names) => {
    for (const fn of names) {
      const real = obj[fn];
      if (typeof real !== "function") continue;
      const content = CONTENT.has(fn.replace(/Sync$/, ""));
      obj[fn] = function (p, ...rest) {
        if (!recording && !inside(p, content)) record("fs", `${prefix}${fn}`, p);
        return real.call(this, p, ...rest);
      };
    }
  };
  const names = ["readFile", "open", "stat", "lstat", "readdir", "access", "opendir", "realpath", "readlink", "createReadStream", "exists", "watch", "watchFile", "writeFile", "appendFile", "rename", "unlink", "mkdir", "rm", "copyFile"];
  watch(fs, "fs.", [...names, ...names.map((n) => n + "Sync")]);
  watch(fs.promises, "fs.promises.", names);
}

if (process.env.MARGINALIA_GUARD_LOADED) {
  recording = true; // the guard's own write is not an access of the watched process
  try {
    appendFileSync(process.env.MARGINALIA_GUARD_LOADED, `${threadId}\n`);
  } catch {
    // ignore
  } finally {
    recording = false;
  }
}
