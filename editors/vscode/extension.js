// The Flow extension: the TextMate grammar and language configuration are
// declared in package.json; this file only starts the language server,
// `procflow lsp`, over stdio and connects it to the `.flow` files. Where
// procflow is found (or what the user is told when it is not): server.js.
"use strict";

const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");
const { findServer, INSTALL_COMMAND } = require("./server");

let client;

async function startClient(context) {
  const setting = vscode.workspace.getConfiguration("procflow").get("path");
  const found = findServer(setting, process.env, process.platform);
  if (found.error) {
    const copy = "Copy install command";
    const settings = "Open settings";
    vscode.window.showErrorMessage(found.error, copy, settings).then((choice) => {
      if (choice === copy) vscode.env.clipboard.writeText(INSTALL_COMMAND);
      if (choice === settings) {
        vscode.commands.executeCommand("workbench.action.openSettings", "procflow.path");
      }
    });
    return;
  }
  const command = found.command;
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
        `Install it with \`${INSTALL_COMMAND}\` or set \`procflow.path\`.`,
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
