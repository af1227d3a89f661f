// A minimal LSP client for protocol tests: spawns `node dist/server.js --stdio` and speaks JSON-RPC
// with Content-Length framing, as an editor would.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

export interface Diagnostic {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  severity?: number;
  code?: string | number;
  message: string;
  relatedInformation?: Array<{ location: { uri: string; range: Diagnostic["range"] }; message: string }>;
}

export class LspClient {
  readonly proc: ChildProcessWithoutNullStreams;
  private buf = Buffer.alloc(0);
  private nextId = 1;
  private pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  readonly diagnostics = new Map<string, Diagnostic[]>();
  readonly notifications: Array<{ method: string; params: any }> = [];
  stderr = "";
  exited: number | null = null;
  /** Answers for server → client requests, by method. */
  onRequest: Record<string, (params: any) => unknown> = {};
  /** Called with each notification as soon as it is read. */
  onNotification?: (msg: { method: string; params: any }) => void;

  /** `options.nodeArgs` go before the server path (e.g. `--require guard.cjs`); `options.env` is added to the environment. */
  constructor(serverPath = path.resolve("dist/server.js"), args: string[] = ["--stdio"], options: { nodeArgs?: string[]; env?: Record<string, string> } = {}) {
    this.proc = spawn(process.execPath, [...(options.nodeArgs ?? []), serverPath, ...args], { stdio: ["pipe", "pipe", "pipe"], env: { ...process.env, ...options.env } });
    this.proc.stderr.on("data", (d) => (this.stderr = (this.stderr + d).slice(-8000)));
    this.proc.stdout.on("data", (d: Buffer) => this.onData(d));
    this.proc.on("exit", (code) => {
      this.exited = code ?? -1;
      for (const p of this.pending.values()) p.reject(new Error(`server exited (${code}): ${this.stderr.slice(-500)}`));
      this.pending.clear();
    });
  }

  private onData(chunk: Buffer): void {
    this.buf = Buffer.concat([this.buf, chunk]);
    for (;;) {
      const sep = this.buf.indexOf("\r\n\r\n");
      if (sep < 0) return;
      const m = /Content-Length: *(\d+)/i.exec(this.buf.subarray(0, sep).toString("ascii"));
      const len = Number(m?.[1] ?? 0);
      if (this.buf.length < sep + 4 + len) return;
      const msg = JSON.parse(this.buf.subarray(sep + 4, sep + 4 + len).toString("utf8"));
      this.buf = this.buf.subarray(sep + 4 + len);
      if (msg.id !== undefined && !msg.method) {
        const p = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        if (msg.error) p?.reject(Object.assign(new Error(msg.error.message), { code: msg.error.code }));
        else p?.resolve(msg.result);
      } else if (msg.id !== undefined) {
        const handler = this.onRequest[msg.method];
        const result = handler ? handler(msg.params) : msg.method === "workspace/configuration" ? (msg.params?.items ?? []).map(() => null) : null;
        this.send({ id: msg.id, result });
      } else {
        if (msg.method === "textDocument/publishDiagnostics") this.diagnostics.set(msg.params.uri, msg.params.diagnostics);
        this.notifications.push(msg);
        this.onNotification?.(msg);
      }
    }
  }

  send(msg: object): void {
    const body = Buffer.from(JSON.stringify({ jsonrpc: "2.0", ...msg }), "utf8");
    this.proc.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.proc.stdin.write(body);
  }

  request<T = any>(method: string, params: unknown, timeoutMs = 20000): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method}: no answer in ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (v) => (clearTimeout(timer), resolve(v as T)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      this.send({ id, method, params });
    });
  }

  /** Sends a request and returns its id, for cancellation tests. */
  requestId(method: string, params: unknown): { id: number; result: Promise<any> } {
    const id = this.nextId;
    return { id, result: this.request(method, params) };
  }

  notify(method: string, params: unknown): void {
    this.send({ method, params });
  }

  /** `extra` is merged into the initialize params (initializationOptions, workspaceFolders…). */
  async initialize(workspace: string, capabilities: object = {}, extra: object = {}): Promise<any> {
    const uri = pathToFileURL(path.resolve(workspace)).href;
    const r = await this.request(
      "initialize",
      {
        processId: process.pid,
        rootUri: uri,
        workspaceFolders: [{ uri, name: path.basename(workspace) }],
        capabilities: {
          textDocument: { hover: { contentFormat: ["markdown"] }, definition: { linkSupport: false }, publishDiagnostics: { relatedInformation: true } },
          workspace: { workspaceFolders: true, configuration: true },
          window: { workDoneProgress: true },
          ...capabilities,
        },
        ...extra,
      },
      60000,
    );
    this.notify("initialized", {});
    return r;
  }

  /** Waits until the server reports that indexing finished. */
  async indexed(timeoutMs = 60000): Promise<void> {
    const t0 = Date.now();
    while (Date.now() - t0 < timeoutMs) {
      const last = [...this.notifications].reverse().find((n) => n.method === "marginalia/status");
      if (last && !last.params.indexing && last.params.documents > 0) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error("indexing did not finish");
  }

  open(file: string, text = fs.readFileSync(file, "utf8"), version = 1): string {
    const uri = pathToFileURL(path.resolve(file)).href;
    this.notify("textDocument/didOpen", { textDocument: { uri, languageId: file.endsWith(".md") ? "markdown" : "plaintext", version, text } });
    return uri;
  }

  async waitFor<T>(fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 20000, what = "condition"): Promise<T> {
    const t0 = Date.now();
    for (;;) {
      const v = await fn();
      if (v) return v;
      if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async close(): Promise<void> {
    if (this.exited !== null) return;
    try {
      await this.request("shutdown", null, 5000);
      this.notify("exit", null);
    } catch {
      /* already gone */
    }
    await new Promise<void>((r) => {
      if (this.exited !== null) return r();
      const t = setTimeout(() => (this.proc.kill(), r()), 2000);
      this.proc.on("exit", () => (clearTimeout(t), r()));
    });
  }
}

/** Position of the nth occurrence of `needle` in a text (middle of it), in LSP units. */
export function positionOf(text: string, needle: string, nth = 0, at: "start" | "mid" | "end" = "mid"): { line: number; character: number } {
  let i = -1;
  for (let k = 0; k <= nth; k++) {
    i = text.indexOf(needle, i + 1);
    if (i < 0) throw new Error(`not found: ${needle} #${nth}`);
  }
  const off = at === "start" ? i : at === "end" ? i + needle.length : i + Math.floor(needle.length / 2);
  const before = text.slice(0, off);
  const line = before.split(/\r\n|\r|\n/).length - 1;
  const lineStart = Math.max(before.lastIndexOf("\n"), before.lastIndexOf("\r")) + 1;
  return { line, character: off - lineStart };
}

/** The text a range covers. */
export function textOf(text: string, range: Diagnostic["range"]): string {
  const lines = text.split(/(?<=\r\n|\r|\n)/);
  const off = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((s, l) => s + l.length, 0) + p.character;
  return text.slice(off(range.start), off(range.end));
}
