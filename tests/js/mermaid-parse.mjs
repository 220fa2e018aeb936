// Parses Mermaid files with the real Mermaid parser and prints what it read.
//
//   npm ci --prefix tests/js
//   node tests/js/mermaid-parse.mjs FILE...
//
// Prints a JSON array, one object per file:
//   { "file", "ok", "error", "diagramType",
//     "vertices": [{ "id", "text", "type", "classes" }],
//     "edges": [{ "start", "end", "text", "stroke" }],
//     "subgraphs": [{ "id", "title", "nodes" }] }
// with every text decoded as a reader sees it (Mermaid entity codes such as
// `#quot;` or `#35;` turned into the characters they stand for).
// Exits 1 if any file does not parse, 2 if the dependencies are missing.
// Used by tests/backend_mermaid.rs.

import { readFile } from 'node:fs/promises';

let JSDOM;
let mermaid;
try {
  ({ JSDOM } = await import('jsdom'));
  const dom = new JSDOM('<!doctype html><html><body></body></html>');
  globalThis.window = dom.window;
  globalThis.document = dom.window.document;
  ({ default: mermaid } = await import('mermaid'));
} catch (e) {
  console.error(`cannot load mermaid and jsdom (${e.message}); run \`npm ci --prefix tests/js\``);
  process.exit(2);
}

mermaid.initialize({ startOnLoad: false, logLevel: 'fatal', securityLevel: 'strict' });

// Mermaid keeps entity codes as placeholders until it draws: `ﬂ°quot¶ß` for
// `#quot;`, `ﬂ°°35¶ß` for `#35;`. Turn them into HTML entities, then into text.
const decoder = globalThis.document.createElement('textarea');
function decode(text) {
  if (typeof text !== 'string') return text;
  const html = text
    .replace(/ﬂ°°(\d+)¶ß/g, '&#$1;')
    .replace(/ﬂ°(\w+)¶ß/g, '&$1;');
  decoder.innerHTML = html;
  return decoder.value;
}

const results = [];
let failed = false;
for (const file of process.argv.slice(2)) {
  const text = await readFile(file, 'utf8');
  const result = { file, ok: false, error: null, diagramType: null, vertices: [], edges: [], subgraphs: [] };
  try {
    const parsed = await mermaid.parse(text);
    result.diagramType = parsed.diagramType;
    const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
    const db = diagram.db;
    result.vertices = [...db.getVertices().values()].map((v) => ({
      id: v.id,
      text: decode(v.text),
      type: v.type ?? null,
      classes: v.classes ?? [],
    }));
    result.edges = db.getEdges().map((e) => ({ start: e.start, end: e.end, text: decode(e.text), stroke: e.stroke ?? null }));
    result.subgraphs = db.getSubGraphs().map((g) => ({ id: g.id, title: decode(g.title), nodes: g.nodes }));
    result.ok = true;
  } catch (e) {
    failed = true;
    result.error = String(e?.message ?? e);
    console.error(`${file}: ${result.error}`);
  }
  results.push(result);
}
process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
process.exit(failed ? 1 : 0);
