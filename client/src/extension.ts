// The VS Code client: starts the language server over stdio and shows what it reports. No analysis.
import * as vscode from "vscode";
import { LanguageClient, TransportKind, State, CloseAction, ErrorAction, type ErrorHandler, type LanguageClientOptions, type ServerOptions } from "vscode-languageclient/node";
import { connectionErrorAction, CrashWindow } from "./restartPolicy";

let client: LanguageClient | undefined;
let status: vscode.StatusBarItem;
let output: vscode.OutputChannel;

interface Status {
  indexing: boolean;
  documents: number;
  entities: number;
  mentions: number;
  claims: number;
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel("Marginalia");
  status = vscode.window.createStatusBarItem("marginalia.status", vscode.StatusBarAlignment.Left, 10);
  status.name = "Marginalia";
  status.text = "$(sync~spin) Marginalia";
  status.tooltip = "Marginalia: starting…";
  status.command = "marginalia.showEntity";
  status.show();
  context.subscriptions.push(output, status);

  context.subscriptions.push(
    vscode.commands.registerCommand("marginalia.restartServer", async () => {
      output.appendLine("Restarting the Marginalia server…");
      if (client) await client.restart();
      else await start(context);
    }),
    vscode.commands.registerCommand("marginalia.showEntity", showEntity),
    vscode.commands.registerCommand("marginalia.annotateClaim", annotateClaim),
    vscode.commands.registerCommand("marginalia.addSource", (t: ClaimTarget) => withSourceUrl(t, "marginalia.server.addSource")),
    vscode.commands.registerCommand("marginalia.clearVerdict", (t: ClaimTarget) => write("marginalia.server.clearVerdict", t)),
    vscode.commands.registerCommand("marginalia.newEntityFromSelection", newEntity),
    vscode.commands.registerCommand("marginalia.addAliasFromSelection", addAlias),
    vscode.commands.registerCommand("marginalia.showReferences", showReferences),
    // Trust can be granted while the window is open: restart so the server may write.
    vscode.workspace.onDidGrantWorkspaceTrust(() => void client?.restart()),
  );
  await start(context);
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  const module = context.asAbsolutePath("dist/server.js");
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.stdio },
    debug: { module, transport: TransportKind.stdio, options: { execArgv: ["--nolazy", "--inspect=6009"] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", pattern: "**/marginalia.json" },
      { scheme: "file", language: "plaintext" },
      { scheme: "file", language: "markdown" },
      { scheme: "untitled", language: "plaintext" },
      { scheme: "untitled", language: "markdown" },
    ],
    synchronize: { configurationSection: "marginalia" },
    // The server keeps its persisted index (warm start) in this workspace's storage folder.
    initializationOptions: { trusted: vscode.workspace.isTrusted, storagePath: (context.storageUri ?? context.globalStorageUri).fsPath },
    outputChannel: output,
    errorHandler: restartOnCrash(),
  };
  client = new LanguageClient("marginalia", "Marginalia", serverOptions, clientOptions);
  client.onDidChangeState((e) => {
    if (e.newState === State.Stopped) {
      status.text = "$(error) Marginalia";
      status.tooltip = "Marginalia: the server stopped — run “Marginalia: Restart Server”";
    }
  });
  context.subscriptions.push(client);
  await client.start();
  context.subscriptions.push(
    client.onNotification("marginalia/status", (s: Status) => {
      status.text = `${s.indexing ? "$(sync~spin)" : "$(book)"} Marginalia: ${s.documents} docs, ${s.entities} entities, ${s.claims} claims`;
      status.tooltip = `Marginalia: ${s.documents} documents, ${s.entities} entities (${s.mentions} mentions), ${s.claims} claims${s.indexing ? " — indexing…" : ""}\nClick to find an entity.`;
    }),
  );
}

/** Whether the user was told about a server restart in this window (it is said once, then only logged). */
let restartNoticeShown = false;

/**
 * If the server process dies, restart it — at most 5 times in 3 minutes, like vscode-languageclient's
 * default — with a line in the output channel each time and a single information message per window.
 * A write to the dead server is not a reason to stop the client (restartPolicy.ts says why).
 */
function restartOnCrash(): ErrorHandler {
  const crashes = new CrashWindow();
  return {
    error: (error, _message, count) => ({ action: connectionErrorAction(error, count) === "continue" ? ErrorAction.Continue : ErrorAction.Shutdown }),
    closed: () => {
      const now = Date.now();
      const { restart, recent } = crashes.record(now);
      if (!restart) {
        output.appendLine(`[${new Date(now).toISOString()}] The Marginalia server stopped ${recent} times in 3 minutes; it is not restarted again.`);
        return { action: CloseAction.DoNotRestart, message: "Marginalia: the server stopped repeatedly and was not restarted. Run “Marginalia: Restart Server” to try again; details are in the Marginalia output." };
      }
      output.appendLine(`[${new Date(now).toISOString()}] The Marginalia server stopped unexpectedly; restarting it.`);
      if (!restartNoticeShown) {
        restartNoticeShown = true;
        void vscode.window.showInformationMessage("Marginalia: the language server stopped unexpectedly and was restarted. Details are in the Marginalia output.");
      }
      return { action: CloseAction.Restart, handled: true };
    },
  };
}

/** Quick pick over workspace symbols (entities by any of their names); opens the defining mention. */
async function showEntity(): Promise<void> {
  const pick = vscode.window.createQuickPick<vscode.QuickPickItem & { symbol?: vscode.SymbolInformation }>();
  pick.placeholder = "Find an entity by any of its names (英伟达, 輝達, Nvidia…)";
  pick.matchOnDescription = true;
  const refresh = async (q: string) => {
    pick.busy = true;
    const symbols = (await vscode.commands.executeCommand<vscode.SymbolInformation[]>("vscode.executeWorkspaceSymbolProvider", q)) ?? [];
    pick.items = symbols
      .filter((s) => s.location.uri.scheme === "file" || s.location.uri.scheme === "untitled")
      .map((s) => ({ label: s.name, description: s.containerName, detail: vscode.workspace.asRelativePath(s.location.uri), symbol: s }));
    pick.busy = false;
  };
  pick.onDidChangeValue((q) => void refresh(q));
  pick.onDidAccept(async () => {
    const s = pick.selectedItems[0]?.symbol;
    pick.hide();
    if (!s) return;
    const editor = await vscode.window.showTextDocument(s.location.uri);
    editor.selection = new vscode.Selection(s.location.range.start, s.location.range.end);
    editor.revealRange(s.location.range, vscode.TextEditorRevealType.InCenter);
  });
  pick.onDidHide(() => pick.dispose());
  pick.show();
  await refresh("");
}

// ---- writing to marginalia.json: ask the user, then let the server make one format-preserving edit

interface ClaimTarget {
  uri: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  annotationId?: string;
  verdict?: string;
}

async function write(command: string, args: object): Promise<void> {
  const r = (await vscode.commands.executeCommand(command, args)) as { applied?: boolean; file?: string } | undefined;
  if (!r?.applied || !r.file) return;
  // The edit leaves marginalia.json modified in memory; save it so no annotation waits unsaved.
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === r.file);
  if (doc?.isDirty) await doc.save();
}

function validUrl(v: string): string | undefined {
  if (!v.trim()) return undefined;
  try {
    const u = new URL(v.trim());
    return u.protocol === "http:" || u.protocol === "https:" ? undefined : "Use an http(s) URL.";
  } catch {
    return "Not a URL.";
  }
}

/** Asks for a note and a source, unless the caller (a script, a test) already gave them. */
async function annotateClaim(t: ClaimTarget & { note?: string; source?: string }): Promise<void> {
  const note = t.note ?? (await vscode.window.showInputBox({ title: `Mark claim as ${t.verdict}`, prompt: "A note for your verdict (optional)", ignoreFocusOut: true }));
  if (note === undefined) return;
  const source = t.source ?? (await vscode.window.showInputBox({ title: `Mark claim as ${t.verdict}`, prompt: "A source URL (optional)", placeHolder: "https://…", ignoreFocusOut: true, validateInput: validUrl }));
  if (source === undefined) return;
  await write("marginalia.server.annotate", { ...t, note, source: source.trim() || undefined });
}

async function withSourceUrl(t: ClaimTarget, command: string): Promise<void> {
  const source = await vscode.window.showInputBox({ title: "Add source", prompt: "Source URL", placeHolder: "https://…", ignoreFocusOut: true, validateInput: (v) => (v.trim() ? validUrl(v) : "A URL is needed.") });
  if (!source) return;
  await write(command, { ...t, source: source.trim() });
}

const ENTITY_TYPES = ["person", "organization", "government", "model", "chip", "product", "policy", "concept", "place", "event", "work"];

async function newEntity(a: { uri: string; text: string }): Promise<void> {
  const type = await vscode.window.showQuickPick(ENTITY_TYPES, { title: `New entity “${a.text}”`, placeHolder: "Type of entity" });
  if (!type) return;
  const name = await vscode.window.showInputBox({ title: `New entity “${a.text}”`, prompt: "Canonical name", value: a.text, ignoreFocusOut: true, validateInput: (v) => (v.trim() ? undefined : "A name is needed.") });
  if (!name) return;
  await write("marginalia.server.addEntity", { uri: a.uri, text: a.text, name: name.trim(), type });
}

async function addAlias(a: { uri: string; text: string }): Promise<void> {
  const symbols = (await vscode.commands.executeCommand<vscode.SymbolInformation[]>("vscode.executeWorkspaceSymbolProvider", "")) ?? [];
  const pick = await vscode.window.showQuickPick(
    symbols.map((s) => ({ label: s.name, description: s.containerName, symbol: s })),
    { title: `Add “${a.text}” as alias of…`, placeHolder: "Entity", matchOnDescription: true },
  );
  if (!pick) return;
  await write("marginalia.server.addAlias", { uri: a.uri, text: a.text, at: { uri: pick.symbol.location.uri.toString(), position: pick.symbol.location.range.start } });
}

async function showReferences(uri: string, position: { line: number; character: number }, locations: Array<{ uri: string; range: ClaimTarget["range"] }>): Promise<void> {
  const toRange = (r: ClaimTarget["range"]) => new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
  await vscode.commands.executeCommand(
    "editor.action.showReferences",
    vscode.Uri.parse(uri),
    new vscode.Position(position.line, position.character),
    locations.map((l) => new vscode.Location(vscode.Uri.parse(l.uri), toRange(l.range))),
  );
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
