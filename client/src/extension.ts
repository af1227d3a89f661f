// The VS Code client: starts the language server over IPC and shows what it reports. No analysis.
import * as vscode from "vscode";
import { LanguageClient, TransportKind, State, type LanguageClientOptions, type ServerOptions } from "vscode-languageclient/node";

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
  );
  await start(context);
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  const module = context.asAbsolutePath("dist/server.js");
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ["--nolazy", "--inspect=6009"] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "plaintext" },
      { scheme: "file", language: "markdown" },
      { scheme: "untitled", language: "plaintext" },
      { scheme: "untitled", language: "markdown" },
    ],
    synchronize: { configurationSection: "marginalia" },
    outputChannel: output,
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

export async function deactivate(): Promise<void> {
  await client?.stop();
}
