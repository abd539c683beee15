// piarules for VS Code: starts `piarules lsp` and shows what it answers.
// Everything the editor shows (diagnostics, completion, hover, definitions, formatting, quick fixes)
// comes from the server; this file only starts it, passes the settings, and adds two commands.
"use strict";

const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function settings() {
  const c = vscode.workspace.getConfiguration("piarules");
  return { policies: c.get("policies"), bundled: c.get("bundled"), debounceMs: c.get("debounceMs") };
}

function resolveServerPath(raw) {
  const folder = vscode.workspace.workspaceFolders && vscode.workspace.workspaceFolders[0];
  return folder ? raw.replace("${workspaceFolder}", folder.uri.fsPath) : raw;
}

async function start(context) {
  const config = vscode.workspace.getConfiguration("piarules");
  const serverOptions = {
    command: resolveServerPath(config.get("server.path") || "piarules"),
    args: config.get("server.args") || ["lsp"],
    transport: TransportKind.stdio,
  };
  const clientOptions = {
    documentSelector: [
      { scheme: "file", language: "pia" },
      { scheme: "file", language: "yaml" },
    ],
    initializationOptions: settings(),
    synchronize: { configurationSection: "piarules" },
    outputChannelName: "piarules",
  };
  client = new LanguageClient("piarules", "piarules", serverOptions, clientOptions);
  try {
    await client.start();
  } catch (error) {
    vscode.window.showErrorMessage(
      `piarules の言語サーバーを起動できません (${serverOptions.command} ${serverOptions.args.join(" ")}): ${error}. ` +
        "pip install piarules を実行するか、設定 piarules.server.path にパスを書いてください。"
    );
  }
}

async function explainRule() {
  const editor = vscode.window.activeTextEditor;
  if (!editor || !client) {
    return;
  }
  const word = editor.document.getWordRangeAtPosition(editor.selection.active, /[A-Za-z][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)+/);
  const rule = await vscode.window.showInputBox({
    prompt: "ルールID (例: ENT-001)",
    value: word ? editor.document.getText(word) : "",
  });
  if (!rule) {
    return;
  }
  const text = await client.sendRequest("workspace/executeCommand", {
    command: "piarules.explain",
    arguments: [rule, editor.document.uri.toString()],
  });
  if (typeof text === "string") {
    const doc = await vscode.workspace.openTextDocument({ content: text, language: "plaintext" });
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true });
  }
}

async function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand("piarules.explainRule", explainRule),
    vscode.commands.registerCommand("piarules.restartServer", async () => {
      if (client) {
        await client.stop();
      }
      await start(context);
    })
  );
  await start(context);
}

async function deactivate() {
  if (client) {
    await client.stop();
  }
}

module.exports = { activate, deactivate };
