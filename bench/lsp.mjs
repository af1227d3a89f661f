// A small JSON-RPC/LSP client over stdio for the benchmarks (plain ESM, no build step): spawns
// `node dist/server.js --stdio`, frames messages with Content-Length, answers the server's requests
// (configuration, progress tokens, registrations) and records notifications as they arrive.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const SEP = Buffer.from("\r\n\r\n");

/** CPU seconds (user + system) of a /proc …/stat line: utime and stime in clock ticks (USER_HZ = 100). */
function cpuOfStat(stat) {
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12])) / 100;
}

export class Lsp {
  /**
   * @param {string} serverPath dist/server.js
   * @param {{ settings?: object | null, nodeArgs?: string[] }} options settings: what workspace/configuration answers for "marginalia"
   */
  constructor(serverPath, options = {}) {
    this.settings = options.settings ?? null;
    this.proc = spawn(process.execPath, [...(options.nodeArgs ?? []), serverPath, "--stdio"], { stdio: ["pipe", "pipe", "pipe"] });
    this.pid = this.proc.pid;
    /** Unread output of the server: chunks, their total length, and how many bytes the message in progress needs. */
    this.parts = [];
    this.partsLength = 0;
    this.need = 0;
    this.nextId = 1;
    this.pending = new Map();
    this.listeners = new Map();
    this.logs = [];
    this.stderr = "";
    this.exited = null;
    this.proc.stderr.on("data", (d) => (this.stderr = (this.stderr + d).slice(-8000)));
    this.proc.stdout.on("data", (d) => this.onData(d));
    this.proc.on("exit", (code, signal) => {
      this.exited = code ?? signal ?? -1;
      for (const p of this.pending.values()) p.reject(new Error(`server exited (${this.exited}): ${this.stderr.slice(-500)}`));
      this.pending.clear();
    });
  }

  onData(chunk) {
    // Chunks are kept apart until the message in progress is complete: concatenating on every 64 KB
    // chunk made reading a 20 MB answer quadratic, and the client, not the server, the slow part.
    this.parts.push(chunk);
    this.partsLength += chunk.length;
    if (this.partsLength < this.need) return;
    const buf = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts, this.partsLength);
    this.parts = [];
    this.partsLength = 0;
    this.need = 0;
    let at = 0;
    for (;;) {
      const sep = buf.indexOf(SEP, at);
      if (sep < 0) break;
      const m = /Content-Length: *(\d+)/i.exec(buf.toString("ascii", at, sep));
      const len = Number(m?.[1] ?? 0);
      if (buf.length < sep + 4 + len) {
        this.need = sep + 4 + len - at;
        break;
      }
      const msg = JSON.parse(buf.toString("utf8", sep + 4, sep + 4 + len));
      at = sep + 4 + len;
      this.dispatch(msg, len);
    }
    if (at < buf.length) {
      this.parts.push(buf.subarray(at));
      this.partsLength = buf.length - at;
    }
  }

  dispatch(msg, bytes) {
    const now = performance.now();
    if (msg.id !== undefined && msg.method === undefined) {
      const p = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      if (!p) return;
      if (msg.error) p.reject(Object.assign(new Error(msg.error.message), { code: msg.error.code }));
      else p.resolve({ result: msg.result, ms: now - p.t0, bytes });
      return;
    }
    if (msg.id !== undefined) {
      let result = null;
      if (msg.method === "workspace/configuration") result = (msg.params?.items ?? []).map((it) => (it.section === "marginalia" ? this.settings : null));
      this.send({ id: msg.id, result });
      return;
    }
    if (msg.method === "window/logMessage") this.logs.push(msg.params.message);
    for (const fn of this.listeners.get(msg.method) ?? []) fn(msg.params, now, bytes);
  }

  /** Calls fn for every notification of a method; returns a function that stops listening. */
  on(method, fn) {
    if (!this.listeners.has(method)) this.listeners.set(method, new Set());
    this.listeners.get(method).add(fn);
    return () => this.listeners.get(method).delete(fn);
  }

  /** Resolves with the first notification of a method that satisfies pred, and when it arrived. */
  waitFor(method, pred = () => true, timeoutMs = 60000) {
    return new Promise((resolve, reject) => {
      const onExit = () => (clearTimeout(timer), off(), reject(new Error(`server exited (${this.exited}) while waiting for ${method}: ${this.stderr.slice(-300)}`)));
      const timer = setTimeout(() => (off(), this.proc.off("exit", onExit), reject(new Error(`timed out after ${timeoutMs} ms waiting for ${method}`))), timeoutMs);
      const off = this.on(method, (params, at) => {
        if (!pred(params)) return;
        clearTimeout(timer);
        off();
        this.proc.off("exit", onExit);
        resolve({ params, at });
      });
      if (this.exited !== null) onExit();
      else this.proc.on("exit", onExit);
    });
  }

  send(msg) {
    const body = Buffer.from(JSON.stringify({ jsonrpc: "2.0", ...msg }), "utf8");
    this.proc.stdin.write(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, "ascii"), body]));
  }

  /** Sends a request; resolves with { result, ms (round trip as the client sees it), bytes }. */
  request(method, params, timeoutMs = 60000) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(Object.assign(new Error(`${method}: no answer in ${timeoutMs} ms`), { timeout: true }));
      }, timeoutMs);
      this.pending.set(id, {
        t0: performance.now(),
        resolve: (v) => (clearTimeout(timer), resolve(v)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      this.send({ id, method, params });
    });
  }

  /**
   * Sends a request with a partialResultToken and collects the `$/progress` batches for it.
   * Resolves with { result (batches then final answer, concatenated), firstMs (first batch, or the
   * answer if no batch came), ms (the final response), batches, bytes (all of it) }.
   */
  async requestPartial(method, params, timeoutMs = 60000) {
    const token = `partial-${this.nextId}`;
    const t0 = performance.now();
    const items = [];
    let firstMs;
    let batches = 0;
    let bytes = 0;
    const off = this.on("$/progress", (p, at, n) => {
      if (p.token !== token) return;
      firstMs ??= at - t0;
      batches++;
      bytes += n;
      for (const x of p.value) items.push(x);
    });
    try {
      const r = await this.request(method, { ...params, partialResultToken: token }, timeoutMs);
      if (Array.isArray(r.result)) for (const x of r.result) items.push(x);
      return { result: items, firstMs: firstMs ?? r.ms, ms: r.ms, batches, bytes: bytes + r.bytes };
    } finally {
      off();
    }
  }

  notify(method, params) {
    this.send({ method, params });
  }

  /** @param {object} [initializationOptions] e.g. { storagePath } for the persisted index */
  async initialize(folder, initializationOptions) {
    const uri = pathToFileURL(path.resolve(folder)).href;
    const r = await this.request(
      "initialize",
      {
        processId: process.pid,
        rootUri: uri,
        initializationOptions,
        workspaceFolders: [{ uri, name: path.basename(folder) }],
        capabilities: {
          general: { positionEncodings: ["utf-16"] },
          textDocument: {
            synchronization: { didSave: true },
            hover: { contentFormat: ["markdown"] },
            definition: { linkSupport: false },
            references: {},
            publishDiagnostics: { relatedInformation: true, versionSupport: true },
            semanticTokens: { requests: { full: true }, tokenTypes: [], tokenModifiers: [], formats: ["relative"] },
          },
          workspace: { workspaceFolders: true, configuration: true },
          window: { workDoneProgress: true },
        },
      },
      120000,
    );
    this.notify("initialized", {});
    return r.result;
  }

  /** /proc/<pid>/status of the server (all its threads: workers are in-process). */
  memory() {
    try {
      const s = fs.readFileSync(`/proc/${this.pid}/status`, "utf8");
      const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, "m").exec(s)?.[1] ?? NaN);
      return { rssMB: kb("VmRSS") / 1024, peakMB: kb("VmHWM") / 1024 };
    } catch {
      return { rssMB: NaN, peakMB: NaN };
    }
  }

  /** CPU seconds (user + system, all threads) the server has used so far. */
  cpuSeconds() {
    try {
      return cpuOfStat(fs.readFileSync(`/proc/${this.pid}/stat`, "utf8"));
    } catch {
      return NaN;
    }
  }

  /** CPU seconds per thread so far (name from /proc, tid), largest first: who did the work. */
  threadCpu() {
    try {
      const out = [];
      for (const tid of fs.readdirSync(`/proc/${this.pid}/task`)) {
        const stat = fs.readFileSync(`/proc/${this.pid}/task/${tid}/stat`, "utf8");
        const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
        const s = cpuOfStat(stat);
        if (s > 0) out.push({ name, tid: Number(tid), s });
      }
      return out.sort((a, b) => b.s - a.s);
    } catch {
      return [];
    }
  }

  /** Shuts the server down politely, or kills it (this process only) if it does not answer. */
  async close(graceMs = 5000) {
    if (this.exited !== null) return;
    try {
      await this.request("shutdown", null, graceMs);
      this.notify("exit", null);
    } catch {
      /* busy or gone */
    }
    await new Promise((r) => {
      if (this.exited !== null) return r();
      const t = setTimeout(() => (this.proc.kill("SIGKILL"), r()), 2000);
      this.proc.on("exit", () => (clearTimeout(t), r()));
    });
  }
}
