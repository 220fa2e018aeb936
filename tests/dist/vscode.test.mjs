// The VS Code extension's client, run by `node --test` (tests/dist/vsix.sh):
// where it finds procflow, and what it tells a user who has none. The bundle
// test loads out/extension.js from the packaged .vsix (VSIX_DIR) with a stand-in
// for the `vscode` module, as VS Code would load it.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Module from "node:module";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
const { findServer, INSTALL_COMMAND } = require(path.join(repo, "editors/vscode/server.js"));

function fakeProcflow() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "procflow-bin-"));
  const file = path.join(dir, "procflow");
  fs.writeFileSync(file, "#!/bin/sh\n", { mode: 0o755 });
  return { dir, file };
}

test("procflow on PATH is found when the setting is empty or the default", () => {
  const { dir, file } = fakeProcflow();
  const env = { PATH: ["/nonexistent", dir].join(path.delimiter) };
  assert.deepEqual(findServer("", env, "linux"), { command: file });
  assert.deepEqual(findServer(undefined, env, "linux"), { command: file });
  assert.deepEqual(findServer("procflow", env, "linux"), { command: file });
});

test("the setting procflow.path wins, as a path or as a name on PATH", () => {
  const { dir, file } = fakeProcflow();
  assert.deepEqual(findServer(file, { PATH: "" }, "linux"), { command: file });
  assert.deepEqual(findServer(`  ${file} `, { PATH: "" }, "linux"), { command: file });
  const renamed = path.join(dir, "procflow-nightly");
  fs.copyFileSync(file, renamed);
  fs.chmodSync(renamed, 0o755);
  assert.deepEqual(findServer("procflow-nightly", { PATH: dir }, "linux"), { command: renamed });
});

test("a file that is not executable is not a server", () => {
  const { file } = fakeProcflow();
  fs.chmodSync(file, 0o644);
  const found = findServer(file, { PATH: "" }, "linux");
  assert.match(found.error, /not an executable file/);
  assert.ok(found.error.includes(INSTALL_COMMAND));
});

test("with neither, the message says so and gives the install command", () => {
  const found = findServer("", { PATH: "/nonexistent" }, "linux");
  assert.equal(found.command, undefined);
  assert.match(found.error, /not on your PATH and the setting procflow.path is not set/);
  assert.ok(found.error.includes("`pipx install procflow`"), found.error);
  const named = findServer("procflow-nightly", { PATH: "/nonexistent" }, "linux");
  assert.match(named.error, /`procflow-nightly` \(the setting procflow.path\) is not on your PATH/);
});

test("on Windows, PATHEXT is tried", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "procflow-win-"));
  const exe = path.join(dir, "procflow.EXE");
  fs.writeFileSync(exe, "");
  assert.deepEqual(findServer("", { PATH: dir, PATHEXT: ".COM;.EXE" }, "win32"), { command: exe });
});

test("the packaged extension shows a notification with the install command", { skip: !process.env.VSIX_DIR }, async () => {
  const messages = [];
  const copied = [];
  // The client library extends some vscode classes when it loads: anything
  // not given here is a class that does nothing.
  const stub = (given) =>
    new Proxy(given, {
      get: (target, key) => (key in target || key === "then" ? target[key] : stub(class {})),
    });
  const vscode = stub({
    workspace: {
      getConfiguration: () => ({ get: () => "" }),
      onDidChangeConfiguration: () => ({ dispose() {} }),
      createFileSystemWatcher: () => ({ dispose() {} }),
    },
    window: {
      showErrorMessage: (message, ...items) => {
        messages.push({ message, items });
        return Promise.resolve(items[0]);
      },
    },
    env: { clipboard: { writeText: (text) => copied.push(text) } },
    commands: { executeCommand: () => Promise.resolve() },
  });
  const load = Module._load;
  Module._load = function (request, ...rest) {
    return request === "vscode" ? vscode : load.call(this, request, ...rest);
  };
  const savedPath = process.env.PATH;
  process.env.PATH = "/nonexistent";
  try {
    const extension = require(path.join(process.env.VSIX_DIR, "extension/out/extension.js"));
    await extension.activate({ subscriptions: [] });
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.env.PATH = savedPath;
    Module._load = load;
  }
  assert.equal(messages.length, 1, JSON.stringify(messages));
  assert.ok(messages[0].message.includes("`pipx install procflow`"), messages[0].message);
  assert.deepEqual(messages[0].items, ["Copy install command", "Open settings"]);
  assert.deepEqual(copied, [INSTALL_COMMAND], "the first button copies the install command");
});
