// Finding the `procflow` executable, apart from VS Code so that it can be
// tested with plain Node (tests/editors/vscode-server.test.mjs).
"use strict";

const fs = require("fs");
const path = require("path");

/** The command that installs procflow, shown when it cannot be found. */
const INSTALL_COMMAND = "pipx install procflow";

function isExecutable(file, platform) {
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) return false;
    if (platform === "win32") return true;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Where `procflow` is: the setting `procflow.path` if it is set (a path, or a
 * bare name looked up on PATH), else `procflow` on PATH. Returns
 * `{ command }` when found, or `{ error }`, a message that says what was
 * looked for and how to install procflow.
 *
 * @param {unknown} setting the value of `procflow.path`
 * @param {{ PATH?: string, PATHEXT?: string }} env
 * @param {string} platform `process.platform`
 */
function findServer(setting, env, platform) {
  const configured = typeof setting === "string" ? setting.trim() : "";
  const name = configured === "" ? "procflow" : configured;
  const hasSeparator = name.includes("/") || (platform === "win32" && name.includes("\\"));
  if (hasSeparator) {
    if (isExecutable(name, platform)) return { command: name };
    return {
      error:
        `procflow: the setting procflow.path is "${name}", which is not an executable file. ` +
        `Install procflow with \`${INSTALL_COMMAND}\` (or \`uv tool install procflow\`, ` +
        "`cargo install procflow`) and clear the setting, or point it at the executable.",
    };
  }
  const sep = platform === "win32" ? ";" : ":";
  const extensions =
    platform === "win32" ? ["", ...(env.PATHEXT || ".EXE;.CMD;.BAT;.COM").split(";")] : [""];
  for (const dir of (env.PATH || "").split(sep)) {
    if (dir === "") continue;
    for (const ext of extensions) {
      const candidate = path.join(dir, name + ext);
      if (isExecutable(candidate, platform)) return { command: candidate };
    }
  }
  const where =
    configured === "" || configured === "procflow"
      ? "`procflow` is not on your PATH and the setting procflow.path is not set"
      : `\`${name}\` (the setting procflow.path) is not on your PATH`;
  return {
    error:
      `procflow: ${where}, so the language server cannot start (highlighting still works). ` +
      `Install it with \`${INSTALL_COMMAND}\` (or \`uv tool install procflow\`, ` +
      "`cargo install procflow`), or set procflow.path to the executable.",
  };
}

module.exports = { findServer, INSTALL_COMMAND };
