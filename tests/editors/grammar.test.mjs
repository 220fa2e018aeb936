// Tests the TextMate grammar of the VS Code extension
// (editors/vscode/syntaxes/flow.tmLanguage.json) with the engine VS Code
// itself uses: vscode-textmate, with the Oniguruma regex engine compiled to
// WebAssembly (vscode-oniguruma).
//
//   npm ci --prefix tests/editors
//   node tests/editors/grammar.test.mjs
//
// Every examples/*.flow file must tokenize with no `invalid` scope, with its
// declared names, comments and durations scoped as such; targeted samples pin
// the scopes of keywords, names, both string forms, escapes, durations,
// comments and lint codes. Exits non-zero on any failure.

import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const vsctm = require("vscode-textmate");
const oniguruma = require("vscode-oniguruma");

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const grammarPath = join(root, "editors", "vscode", "syntaxes", "flow.tmLanguage.json");

// ------------------------------------------------------------------ engine

await oniguruma.loadWASM(readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm")).buffer);
const registry = new vsctm.Registry({
  onigLib: Promise.resolve({
    createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
    createOnigString: (s) => new oniguruma.OnigString(s),
  }),
  loadGrammar: async (scopeName) =>
    scopeName === "source.flow"
      ? vsctm.parseRawGrammar(readFileSync(grammarPath, "utf8"), grammarPath)
      : null,
});
const grammar = await registry.loadGrammar("source.flow");
if (!grammar) {
  console.error(`error: could not load the grammar ${grammarPath}`);
  process.exit(1);
}

// Tokenizes a whole text. Returns its lines, each with its tokens
// ({ start, end, scopes }), and the rule stack depth after the last line
// (1 when every block and string was closed).
function tokenize(text) {
  let stack = vsctm.INITIAL;
  const lines = text.split(/\r?\n/).map((line) => {
    const result = grammar.tokenizeLine(line, stack);
    stack = result.ruleStack;
    return {
      text: line,
      tokens: result.tokens.map((t) => ({
        start: t.startIndex,
        end: Math.min(t.endIndex, line.length),
        scopes: t.scopes,
      })),
    };
  });
  return { lines, depth: stack.depth };
}

function scopesAt(lines, line, col) {
  const tok = lines[line].tokens.find((t) => t.start <= col && col < t.end);
  return tok ? tok.scopes : [];
}

// `scope` matches `scope` itself and its children (`a.b` matches `a.b.c`).
const has = (scopes, scope) => scopes.some((s) => s === scope || s.startsWith(scope + "."));

// ------------------------------------------------------------------ harness

let passed = 0;
let failed = 0;
const failures = [];

function fail(message) {
  failed += 1;
  failures.push(message);
  console.log(`FAIL ${message}`);
}

// Finds the `nth` (0-based) occurrence of `needle` in `text`; returns every
// (line, col) position it covers.
function locate(lines, needle, nth) {
  let seen = 0;
  for (let l = 0; l < lines.length; l++) {
    let from = 0;
    for (;;) {
      const i = lines[l].text.indexOf(needle, from);
      if (i < 0) break;
      if (seen === nth) {
        return Array.from(needle, (_, k) => [l, i + k]);
      }
      seen += 1;
      from = i + 1;
    }
  }
  return null;
}

// A sample and what its text must be scoped as. Each expectation is
// [needle, scope] or [needle, scope, nth]; a scope written "!scope" means the
// needle must NOT have it. Every character of the needle is checked.
function sample(name, text, expectations) {
  const { lines, depth } = tokenize(text);
  let ok = true;
  for (const [needle, want, nth = 0] of expectations) {
    const where = locate(lines, needle, nth);
    if (!where) {
      fail(`${name}: the sample has no occurrence ${nth} of ${JSON.stringify(needle)}`);
      ok = false;
      continue;
    }
    const negate = want.startsWith("!");
    const scope = negate ? want.slice(1) : want;
    for (const [l, c] of where) {
      const scopes = scopesAt(lines, l, c);
      if (has(scopes, scope) === negate) {
        fail(
          `${name}: ${JSON.stringify(needle)} (line ${l + 1}, column ${c + 1}, ` +
            `${JSON.stringify(lines[l].text[c])}) ${negate ? "must not have" : "should have"} ` +
            `scope ${scope}; it has [${scopes.join(", ")}]`,
        );
        ok = false;
        break;
      }
    }
  }
  if (depth !== 1) {
    fail(`${name}: a block or string is still open at the end (rule stack depth ${depth})`);
    ok = false;
  }
  if (ok) {
    passed += 1;
    console.log(`ok   ${name}`);
  }
}

const KW = "keyword.declaration.flow";
const ATTR = "keyword.other.attribute.flow";
const TYPE = "entity.name.type.flow";
const FUNC = "entity.name.function.flow";
const STR = "string.quoted.double.flow";
const BLOCK = "string.quoted.triple.flow";
const ESC = "constant.character.escape.flow";
const BADESC = "invalid.illegal.escape.flow";
const DUR = "constant.numeric.duration.flow";
const COMMENT = "comment.line.number-sign.flow";
const CODE = "constant.other.lint-code.flow";

// ------------------------------------------------------------------ samples

sample(
  "declaration keywords and declared names",
  `use "team.flow"

role founder "Founder" # a comment after code
tool zoho_crm "Zoho CRM" {
  url "https://www.zoho.com/crm/"
}

process lead_generation "Lead generation" {
  outcome "A stranger becomes a lead"
  owner founder
  step advertise "Advertise"
  step follow_up
}

workflow zoho_funnel "Zoho lead funnel" implements lead_generation {
  owner ops
  step reach_out "Call the lead" {
    implements follow_up
    owner founder
    tool phone, zoho_crm
    automated
  }
}
`,
  [
    ["use", KW],
    ['"team.flow"', STR],
    ["role", KW],
    ["founder", TYPE],
    ['"Founder"', STR],
    ["# a comment after code", COMMENT],
    ["tool", KW],
    ["zoho_crm", TYPE],
    ["url", ATTR],
    ["process", KW],
    ["lead_generation", TYPE],
    ["outcome", ATTR],
    ["owner", ATTR],
    ["founder", "!" + TYPE, 1],
    ["step", KW],
    ["advertise", FUNC],
    ["follow_up", FUNC],
    ["workflow", KW],
    ["zoho_funnel", TYPE],
    ["implements", ATTR],
    ["lead_generation", "entity.other.inherited-class.flow", 1],
    ["reach_out", FUNC],
    ["implements", ATTR, 1],
    // `tool` inside a block is the attribute, not a declaration.
    ["tool", ATTR, 1],
    ["tool", "!" + KW, 1],
    ["phone", "!" + TYPE],
    [",", "punctuation.separator.comma.flow", 0],
    ["automated", ATTR],
    ["{", "punctuation.section.block.begin.flow"],
    ["}", "punctuation.section.block.end.flow"],
  ],
);

sample(
  "keywords are whole words",
  `process p {
  step step-2
  step run_job
  step owners
}
`,
  [
    ["step-2", FUNC],
    ["run_job", FUNC],
    ["owners", FUNC],
    ["owners", "!" + ATTR],
  ],
);

sample(
  "a keyword used as a name is marked invalid",
  `process p {
  step run "Run"
}
`,
  [
    ["step", KW],
    ["run", "invalid.illegal.keyword-as-name.flow"],
  ],
);

sample(
  "line strings and escapes",
  String.raw`role r {
  description "say \"hi\" \\ \n \t \u{1F600} # not a comment"
}
`,
  [
    [String.raw`"say`, STR],
    [String.raw`\"`, ESC],
    [String.raw`\"`, ESC, 1],
    [String.raw`\\`, ESC],
    [String.raw`\n`, ESC],
    [String.raw`\t`, ESC],
    [String.raw`\u{1F600}`, ESC],
    ["# not a comment", STR],
    ["# not a comment", "!comment"],
    ['comment"', STR],
    // The first `}` closes `\u{1F600}`; the second closes the block.
    ["}", "punctuation.section.block.end.flow", 1],
  ],
);

sample(
  "invalid escapes",
  String.raw`role r {
  description "bad \q and \u{} and \x41"
  who "fine"
}
`,
  [
    [String.raw`\q`, BADESC],
    [String.raw`\u`, BADESC],
    [String.raw`\x`, BADESC],
    ["and", STR],
    ["who", ATTR],
    ['"fine"', "!invalid"],
  ],
);

sample(
  "an unterminated string ends at the end of its line",
  `role r {
  description "no closing quote
  who "Maria"
}
`,
  [
    ["no closing quote", STR],
    ["who", ATTR],
    ["who", "!string"],
    ['"Maria"', STR],
  ],
);

sample(
  "block strings span lines and are literal",
  `workflow w "W" implements p {
  description """
    Line one, with "quotes" and ""two"".
    # not a comment, and \\n is no escape
    """
  step s {
    within 2d
  }
}
`,
  [
    ['"""', BLOCK],
    ['"""', "punctuation.definition.string.begin.flow"],
    ["Line one", BLOCK],
    ['"quotes"', BLOCK],
    ['""two""', BLOCK],
    ["# not a comment", BLOCK],
    ["# not a comment", "!comment"],
    ["\\n", BLOCK],
    ["\\n", "!" + ESC],
    ['"""', BLOCK, 1],
    ['"""', "punctuation.definition.string.end.flow", 1],
    ["step", KW],
    ["s {", "!string"],
    ["within", ATTR],
    ["2d", DUR],
  ],
);

sample(
  "a block string on one line",
  `tool t {
  description """One "line" only"""
  url "u"
}
`,
  [
    ['"""One "line" only"""', BLOCK],
    ["url", ATTR],
  ],
);

sample(
  "durations",
  `workflow w implements p {
  step a {
    wait 30m
    within 4h
  }
  step b {
    wait 2d
    within 1w
  }
  step c {
    wait 0d
    within 1d12h
  }
}
`,
  [
    ["30m", DUR],
    ["30", "constant.numeric.integer.flow"],
    ["m", "keyword.other.unit.flow", 2],
    ["4h", DUR],
    ["2d", DUR],
    ["1w", DUR],
    ["wait", ATTR],
    ["0d", "invalid.illegal.duration.flow"],
    ["1d12h", "invalid.illegal.duration.flow"],
  ],
);

sample(
  "comments",
  `# TODO: a comment on its own line, with "quotes" and { braces }
role founder "Founder" # after code, role tool 2d
tool t "a # in a string" # the comment
`,
  [
    ["# TODO: a comment", COMMENT],
    ["#", "punctuation.definition.comment.flow"],
    ['"quotes"', COMMENT],
    ['"quotes"', "!string"],
    ["{ braces }", "!punctuation"],
    ["# after code, role tool 2d", COMMENT],
    ["role tool 2d", "!keyword"],
    ['"Founder"', STR],
    ["# in a string", STR],
    ["# in a string", "!comment"],
    ["# the comment", COMMENT],
  ],
);

sample(
  "lint codes after allow",
  `tool fax "Fax" {
  # Kept for the one supplier who still needs it.
  allow unused-tool, owner-overload # why
  allow out-of-order,
    uncovered-step
  url "u"
}
`,
  [
    ["allow", ATTR],
    ["unused-tool", CODE],
    [",", "punctuation.separator.comma.flow", 0],
    ["owner-overload", CODE],
    ["# why", COMMENT],
    ["out-of-order", CODE],
    ["uncovered-step", CODE],
    ["url", ATTR],
    ["url", "!" + CODE],
  ],
);

const DEC = "variable.other.decision.flow";
const NOT = "keyword.operator.logical.not.flow";
const BADNAME = "invalid.illegal.keyword-as-name.flow";

// The words of version 2 (`decides input takes target every escalate with
// rework not`) are keywords only where an attribute starts; anywhere else
// they are names (a role may be called `escalate`).
sample(
  "version 2: decisions, conditions, time, escalation, helpers, rework",
  `role escalate "Escalations"
workflow every "Every" implements p {
  input signed_contract, takes
  target 2w
  every 1d
  step score "Score the lead" {
    owner escalate
    with takes, every,
      target
    decides hot_lead "Is the lead score 50 or more?"
    takes 30m
    within 1d
    escalate founder
  }
  step assign {
    after score
    when hot_lead, not approved, "total over 5,000 EUR"
    rework score when not hot_lead
  }
  step escalate {
    needs input # with
    when not with
    escalate with
    implements rework
  }
  step decides {
    when not
    decides not "A decision called not?"
    rework with when not every
    takes 4h
  }
}
`,
  [
    // Names that are v2 words: declared, in lists, after `escalate`, `rework`.
    ["escalate", TYPE, 0],
    ["every", TYPE, 0],
    ["takes", "!keyword", 0],
    ["escalate", "!keyword", 1],
    ["takes", "!keyword", 1],
    ["every", "!keyword", 2],
    ["target", "!keyword", 1],
    ["escalate", FUNC, 3],
    ["decides", FUNC, 1],
    ["input", "!keyword", 1],
    ["with", "!keyword", 2],
    ["with", "!keyword", 4],
    ["rework", "!keyword", 1],
    ["with", "!keyword", 5],
    ["with", "!" + DEC, 5],
    // None of them is a reserved word used as a name.
    ["escalate", "!invalid", 1],
    ["takes", "!invalid", 1],
    ["every", "!invalid", 2],
    ["target", "!invalid", 1],
    ["with", "!invalid", 3],
    ["with", "!invalid", 4],
    ["rework", "!invalid", 1],
    ["not", "!invalid", 3],
    // Keywords where an attribute starts; durations after them.
    ["input", ATTR, 0],
    ["target", ATTR, 0],
    ["2w", DUR],
    ["every", ATTR, 1],
    ["1d", DUR],
    ["owner", ATTR],
    ["with", ATTR, 0],
    ["decides", ATTR, 0],
    ["takes", ATTR, 2],
    ["30m", DUR],
    ["escalate", ATTR, 2],
    ["founder", "!keyword"],
    ["escalate", ATTR, 4],
    ["takes", ATTR, 3],
    ["4h", DUR],
    ["decides", ATTR, 2],
    // Decisions and conditions.
    ["hot_lead", DEC, 0],
    ['"Is the lead score 50 or more?"', STR],
    ["when", ATTR, 0],
    ["hot_lead", DEC, 1],
    ["not", NOT, 0],
    ["approved", DEC],
    ['"total over 5,000 EUR"', STR],
    ["rework", ATTR, 0],
    ["score", "!keyword", 3],
    ["score", "!" + DEC, 3],
    ["when", ATTR, 1],
    ["not", NOT, 1],
    ["hot_lead", DEC, 2],
    ["# with", COMMENT],
    ["when", ATTR, 2],
    ["not", NOT, 2],
    ["with", DEC, 3],
    // `when not` alone, and `decides not`: a decision called `not`.
    ["when", ATTR, 3],
    ["not", DEC, 3],
    ["not", "!keyword", 3],
    ["not", DEC, 4],
    ['"A decision called not?"', STR],
    ["rework", ATTR, 2],
    ["when", ATTR, 4],
    ["not", NOT, 6],
    ["every", DEC, 3],
  ],
);

sample(
  "a reserved word where a name goes is marked invalid; a v2 word is not",
  `workflow w implements p {
  step s {
    owner run
    after s, when
    when owner
    with escalate
  }
}
`,
  [
    ["run", BADNAME],
    ["when", BADNAME],
    ["owner", BADNAME, 1],
    ["escalate", "!invalid"],
    ["with", ATTR],
  ],
);

// ------------------------------------------------------------------ examples

const examplesDir = join(root, "examples");
const examples = readdirSync(examplesDir)
  .filter((f) => f.endsWith(".flow"))
  .sort();
if (examples.length === 0) fail(`no .flow file in ${examplesDir}`);

for (const file of examples) {
  const path = join(examplesDir, file);
  const name = relative(root, path);
  const { lines, depth } = tokenize(readFileSync(path, "utf8"));
  const problems = [];
  let checks = 0;
  let inBlockString = false;
  lines.forEach(({ text, tokens }, l) => {
    const where = `${name}:${l + 1}`;
    for (const t of tokens) {
      const bad = t.scopes.find((s) => s.startsWith("invalid"));
      if (bad) {
        problems.push(`${where}:${t.start + 1}: ${JSON.stringify(text.slice(t.start, t.end))} is ${bad}`);
      }
    }
    const expect = (col, len, scope, what) => {
      checks += 1;
      for (let c = col; c < col + len; c++) {
        const scopes = scopesAt(lines, l, c);
        if (!has(scopes, scope)) {
          problems.push(`${where}:${c + 1}: ${what} should be ${scope}; it has [${scopes.join(", ")}]`);
          return;
        }
      }
    };
    const quotes = (text.match(/"""/g) || []).length;
    if (inBlockString) {
      if (text.trim() !== "") expect(text.search(/\S/), text.trim().length, BLOCK, "block string text");
    } else if (/^\s*#/.test(text)) {
      const col = text.indexOf("#");
      expect(col, text.length - col, COMMENT, "a comment line");
    } else {
      let m;
      if ((m = /^(role|tool|process|workflow)\s+([A-Za-z][\w-]*)/.exec(text))) {
        expect(0, m[1].length, KW, `\`${m[1]}\``);
        expect(text.indexOf(m[2], m[1].length), m[2].length, TYPE, `the name ${m[2]}`);
      }
      if ((m = /^(\s+)step\s+([A-Za-z][\w-]*)/.exec(text))) {
        expect(m[1].length, 4, KW, "`step`");
        expect(text.indexOf(m[2], m[1].length + 4), m[2].length, FUNC, `the step name ${m[2]}`);
      }
      if ((m = /^(\s+)(wait|within|takes|target|every)\s+(\d+[mhdw])\s*$/.exec(text))) {
        expect(m[1].length, m[2].length, ATTR, `\`${m[2]}\``);
        expect(text.lastIndexOf(m[3]), m[3].length, DUR, `the duration ${m[3]}`);
      }
      if ((m = /^(\s+)(owner|tool|implements|needs|produces|after|automated|description|outcome|trigger|version|who|url|when|run|external|optional|input|with|escalate|decides|rework)\b/.exec(text))) {
        expect(m[1].length, m[2].length, ATTR, `\`${m[2]}\``);
      }
      const str = /"(?:[^"\\]|\\.)+"/.exec(text.replace(/"""/g, "\u0000\u0000\u0000"));
      if (str) expect(str.index, str[0].length, STR, "a string");
    }
    if (quotes % 2 === 1) inBlockString = !inBlockString;
  });
  if (depth !== 1) problems.push(`${name}: a block or string is still open at the end (rule stack depth ${depth})`);
  if (checks < 10) problems.push(`${name}: only ${checks} checks ran; the test's patterns no longer fit the file`);
  if (problems.length) {
    fail(`${name}:\n  ${problems.slice(0, 20).join("\n  ")}`);
  } else {
    passed += 1;
    console.log(`ok   ${name} (${lines.length} lines, ${checks} scope checks, no invalid scope)`);
  }
}

// ------------------------------------------------------------------ summary

console.log(`\ngrammar: ${passed} passed, ${failed} failed`);
if (failed) {
  console.error(`\nerror: the TextMate grammar ${relative(root, grammarPath)} failed ${failed} check(s):`);
  for (const f of failures) console.error(`- ${f}`);
  process.exit(1);
}
