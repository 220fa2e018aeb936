// Checks BPMN files written by `procflow build --emit bpmn` with the real
// tools (tests/backend_bpmn.rs runs it):
//   - bpmn-moddle parses each file with no warning (with zeebe-bpmn-moddle
//     for the camunda8 flavor: a file that declares the zeebe namespace);
//   - bpmnlint's `recommended` rules pass;
//   - for camunda8, bpmnlint-plugin-camunda-compat passes for the Camunda 8
//     version the file names (modeler:executionPlatformVersion).
// Usage: node check.mjs FILE.bpmn...   Prints one line per problem, and
// "N passed, N failed" at the end; exits 1 if any file failed.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { BpmnModdle } from 'bpmn-moddle';

const require = createRequire(import.meta.url);
const zeebe = require('zeebe-bpmn-moddle/resources/zeebe.json');
const { Linter } = require('bpmnlint');
const NodeResolver = require('bpmnlint/lib/resolver/node-resolver');

// Rules switched off, each with its reason (also listed in
// docs/outputs/bpmn.md): none.
const OFF = {};

let passed = 0;
let failed = 0;
for (const file of process.argv.slice(2)) {
  const xml = readFileSync(file, 'utf8');
  const camunda = xml.includes('xmlns:zeebe=');
  const moddle = new BpmnModdle(camunda ? { zeebe } : {});
  const problems = [];
  let root;
  try {
    const result = await moddle.fromXML(xml, 'bpmn:Definitions');
    root = result.rootElement;
    for (const w of result.warnings) problems.push(`bpmn-moddle: ${w.message}`);
  } catch (e) {
    problems.push(`bpmn-moddle: ${e.message}`);
  }
  if (root) {
    const extend = ['bpmnlint:recommended'];
    if (camunda) {
      const m = /modeler:executionPlatformVersion="(\d+)\.(\d+)/.exec(xml);
      if (!m) {
        problems.push('no modeler:executionPlatformVersion');
      } else {
        extend.push(`plugin:camunda-compat/camunda-cloud-${m[1]}-${m[2]}`);
      }
    }
    const linter = new Linter({
      config: { extends: extend, rules: OFF },
      resolver: new NodeResolver({ require }),
    });
    const reports = await linter.lint(root);
    for (const [rule, list] of Object.entries(reports)) {
      for (const r of list) {
        if (r.category === 'warn' || r.category === 'error' || r.category === 'rule-error') {
          problems.push(`${rule} (${r.category}): ${r.id ?? ''} ${r.message}`);
        }
      }
    }
  }
  if (problems.length) {
    failed++;
    for (const p of problems) console.log(`${file}: ${p}`);
  } else {
    passed++;
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
