// The client's restart policy: a server that dies is restarted (at most 5 times in 3 minutes), and the
// errors of writing to it in the moment before its death is noticed do not stop the client first.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
// vscode-languageserver re-exports the one vscode-jsonrpc the client also uses (npm ls vscode-jsonrpc).
import { StreamMessageWriter, type NotificationMessage } from "vscode-languageserver/node";
import { connectionErrorAction, CrashWindow } from "../../client/src/restartPolicy";

test("writes to a server whose pipe has closed are errors that leave the restart to the close event", async (t) => {
  // The same writer vscode-languageclient puts on the server's stdin. The child closes its end of the
  // pipe and lives on: the moment after a server dies and before the client sees it exit.
  const child = spawn(process.execPath, ["-e", "require('node:fs').closeSync(0); setTimeout(() => {}, 30_000)"], { stdio: ["pipe", "ignore", "ignore"] });
  t.after(() => child.kill("SIGKILL"));
  await new Promise((r) => setTimeout(r, 300));
  const writer = new StreamMessageWriter(child.stdin);
  const reported: Array<{ error: Error; count: number | undefined }> = [];
  writer.onError(([error, , count]) => reported.push({ error, count }));
  for (let i = 0; i < 3; i++) {
    const change: NotificationMessage = { jsonrpc: "2.0", method: "textDocument/didChange", params: { i } };
    await writer.write(change).catch(() => undefined);
  }
  await new Promise((r) => setTimeout(r, 20));
  assert.ok(reported.length > 0, "writing to a closed pipe reported no error");
  for (const { error, count } of reported) {
    assert.equal(connectionErrorAction(error, count), "continue", `${(error as NodeJS.ErrnoException).code ?? error.message} (count ${count}) would stop the client before its restart`);
  }
});

test("other connection errors: the first three are tolerated, then the client stops", () => {
  const garbled = new Error("Header must provide a Content-Length property.");
  assert.equal(connectionErrorAction(garbled, 1), "continue");
  assert.equal(connectionErrorAction(garbled, 3), "continue");
  assert.equal(connectionErrorAction(garbled, 4), "shutdown");
  assert.equal(connectionErrorAction(garbled, undefined), "shutdown");
});

test("a crashing server is restarted five times in three minutes, not a sixth, and again once the window has passed", () => {
  const crashes = new CrashWindow();
  const t0 = 1_000_000;
  for (let i = 0; i < 5; i++) assert.equal(crashes.record(t0 + i * 1000).restart, true, `crash ${i + 1}`);
  const sixth = crashes.record(t0 + 5000);
  assert.equal(sixth.restart, false);
  assert.equal(sixth.recent, 6);
  // Four minutes after the first crash, only the crash at hand is within three minutes.
  const later = crashes.record(t0 + 4 * 60 * 1000);
  assert.deepEqual(later, { restart: true, recent: 1 });
});
