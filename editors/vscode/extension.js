// The Flow extension: the TextMate grammar and language configuration are
// declared in package.json; this file only starts the language server,
// `procflow lsp`, over stdio and connects it to the `.flow` files.
"use strict";

const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function serverCommand() {
  const configured = vscode.workspace.getConfiguration("procflow").get("path");
  return typeof configured === "string" && configured.trim() !== ""
    ? configured.trim()
    : "procflow";
}

async function startClient(context) {
  const command = serverCommand();
  const run = { command, args: ["lsp"] }; // stdio is the default transport
  client = new LanguageClient(
    "procflow",
    "procflow language server",
    { run, debug: run },
    {
      documentSelector: [{ scheme: "file", language: "flow" }],
      synchronize: {
        // A change to a file that others `use`, or to procflow.toml, changes
        // the diagnostics of the open files.
        fileEvents: vscode.workspace.createFileSystemWatcher("**/{*.flow,procflow.toml}"),
      },
    },
  );
  try {
    await client.start();
  } catch (err) {
    client = undefined;
    vscode.window.showErrorMessage(
      `procflow: could not start \`${command} lsp\` (${err && err.message ? err.message : err}). ` +
        "Install procflow (`cargo install --path .`) or set `procflow.path`.",
    );
  }
}

async function activate(context) {
  await startClient(context);
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration("procflow.path")) {
        await deactivate();
        await startClient(context);
      }
    }),
  );
}

async function deactivate() {
  if (client) {
    const stopping = client;
    client = undefined;
    await stopping.stop();
  }
}

module.exports = { activate, deactivate };
