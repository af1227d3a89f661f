// When the client keeps the language server connection and when it restarts the server.
// Pure (no `vscode` import) so it is unit-tested; extension.ts maps its answers to the client's actions.

/**
 * Error codes a read or write gets once the server process has gone. The process's exit (the
 * connection's close event) decides what happens next, so these never stop the client on their own.
 */
const SERVER_GONE = new Set(["EPIPE", "ECONNRESET", "ERR_STREAM_DESTROYED", "ERR_STREAM_WRITE_AFTER_END"]);

/**
 * What to do about a connection error.
 * vscode-languageclient reports a write to a dead server twice: from the write, with a count, and from
 * the pipe's `error` event, without one. Its default handler stops the client on an error without a
 * count, and a stopped client is not restarted when the close event follows — so a request sent in
 * the moment between the server's death and the client noticing it left the user without a server.
 * Other errors keep the default: continue for the first three, then stop.
 */
export function connectionErrorAction(error: unknown, count: number | undefined): "continue" | "shutdown" {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && SERVER_GONE.has(code)) return "continue";
  return count !== undefined && count <= 3 ? "continue" : "shutdown";
}

/** Counts crashes in a sliding window: restart after each, unless there were more than `limit` in `windowMs`. */
export class CrashWindow {
  private readonly crashes: number[] = [];

  constructor(
    readonly limit = 5,
    readonly windowMs = 3 * 60 * 1000,
  ) {}

  /** Records a crash at `now`; whether the server should be restarted, and how many crashes are in the window. */
  record(now: number): { restart: boolean; recent: number } {
    this.crashes.push(now);
    while (this.crashes.length && now - this.crashes[0] > this.windowMs) this.crashes.shift();
    return { restart: this.crashes.length <= this.limit, recent: this.crashes.length };
  }
}
