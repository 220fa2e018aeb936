// Checks a handbook website built by `procflow build … --emit handbook`, in
// a real browser (Debian's chromium, driven by puppeteer-core) and with
// html-validate. Run by tests/handbook.rs:
//
//   node tests/handbook/check.mjs --site DIR [--screens DIR --workflow ID --role ID]
//        [--search WORD --expect TITLE]... [--expect-text TEXT]...
//
// Every page is loaded from file://; it fails (exit 1, one line per problem
// on standard error) when a page logs a console error or throws, a request
// fails or leaves the site (anything but file://), an internal link (or its
// #anchor) does not resolve, a page holds a <script> that is not the site's
// own or an on* attribute, the HTML is not valid (html-validate's standard
// preset), a search does not find its title, or an expected text is not on
// any page as text. Prints a JSON summary on standard output.

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL, fileURLToPath } from "node:url";
import puppeteer from "puppeteer-core";
import { HtmlValidate } from "html-validate";

const args = process.argv.slice(2);
const opt = { searches: [], texts: [] };
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  const next = () => args[++i];
  if (a === "--site") opt.site = path.resolve(next());
  else if (a === "--screens") opt.screens = path.resolve(next());
  else if (a === "--workflow") opt.workflow = next();
  else if (a === "--role") opt.role = next();
  else if (a === "--search") opt.searches.push({ word: next() });
  else if (a === "--expect") opt.searches[opt.searches.length - 1].title = next();
  else if (a === "--expect-text") opt.texts.push(next());
  else throw new Error(`unknown argument ${a}`);
}
if (!opt.site) throw new Error("--site DIR is required");

const problems = [];
const problem = (where, what) => problems.push(`${where}: ${what}`);

function htmlFiles(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...htmlFiles(p));
    else if (e.name.endsWith(".html")) out.push(p);
  }
  return out.sort();
}
const pages = htmlFiles(opt.site);
const rel = (p) => path.relative(opt.site, p);

// The site's own scripts: the search, on the index only.
const OWN_SCRIPTS = { "index.html": ["search-index.js", "search.js"] };

// 1. HTML validity.
const validator = new HtmlValidate({ extends: ["html-validate:standard"] });
for (const file of pages) {
  const report = await validator.validateFile(file);
  for (const r of report.results) {
    for (const m of r.messages) {
      problem(rel(file), `html-validate ${m.ruleId} at ${m.line}:${m.column}: ${m.message}`);
    }
  }
}

// 2. The browser.
const profile = fs.mkdtempSync(path.join(os.tmpdir(), "procflow-chromium-"));
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    `--user-data-dir=${profile}`,
  ],
});
const ids = new Map(); // page path -> Set of ids
const wanted = []; // [from page, target page path, fragment]
const texts = new Set();
let requests = 0;
let externalLinks = 0;
try {
  const page = await browser.newPage();
  let current = "";
  page.on("console", (m) => {
    if (m.type() === "error") problem(current, `console error: ${m.text()}`);
  });
  page.on("pageerror", (e) => problem(current, `page error: ${e.message}`));
  page.on("requestfailed", (r) => problem(current, `request failed: ${r.url()} (${r.failure()?.errorText})`));
  await page.setRequestInterception(true);
  page.on("request", (r) => {
    requests++;
    const url = r.url();
    if (url.startsWith("file:")) return r.continue();
    problem(current, `request outside the site: ${url}`);
    r.abort();
  });
  for (const file of pages) {
    current = rel(file);
    await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
    const seen = await page.evaluate(() => {
      const scripts = [...document.querySelectorAll("script")].map((s) => s.getAttribute("src"));
      const handlers = [...document.querySelectorAll("*")].flatMap((e) =>
        [...e.attributes].filter((a) => a.name.toLowerCase().startsWith("on")).map((a) => `${e.tagName} ${a.name}`));
      const links = [...document.querySelectorAll("a[href]")].map((a) => new URL(a.getAttribute("href"), document.baseURI).href);
      return {
        scripts,
        handlers,
        links,
        ids: [...document.querySelectorAll("[id]")].map((e) => e.id),
        h1: [...document.querySelectorAll("h1")].map((e) => e.textContent),
        title: document.title,
        text: document.body.innerText,
      };
    });
    ids.set(file, new Set(seen.ids));
    texts.add(seen.text);
    const own = OWN_SCRIPTS[current] || [];
    if (seen.scripts.length !== own.length || seen.scripts.some((s, i) => s !== own[i])) {
      problem(current, `scripts ${JSON.stringify(seen.scripts)}, expected the site's own ${JSON.stringify(own)}`);
    }
    for (const h of seen.handlers) problem(current, `event handler attribute: ${h}`);
    if (seen.h1.length !== 1 || !seen.h1[0].trim()) problem(current, `expected one <h1>, found ${JSON.stringify(seen.h1)}`);
    else if (!seen.title.startsWith(seen.h1[0].trim().slice(0, 40)) && current !== "index.html") {
      problem(current, `<title> ${JSON.stringify(seen.title)} does not name the <h1> ${JSON.stringify(seen.h1[0])}`);
    }
    for (const link of seen.links) {
      const url = new URL(link);
      if (url.protocol !== "file:") {
        if (url.protocol === "javascript:") problem(current, `javascript: link`);
        externalLinks++;
        continue;
      }
      const target = fileURLToPath(url);
      if (!fs.existsSync(target)) problem(current, `broken link: ${link}`);
      else if (url.hash) wanted.push([current, target, decodeURIComponent(url.hash.slice(1))]);
    }
  }
  for (const [from, target, id] of wanted) {
    if (!ids.get(target)?.has(id)) problem(from, `link to a missing anchor: ${rel(target)}#${id}`);
  }
  for (const t of opt.texts) {
    if (![...texts].some((x) => x.includes(t))) problem("site", `no page shows the text ${JSON.stringify(t)}`);
  }

  // 3. The search, on the index.
  const index = path.join(opt.site, "index.html");
  for (const s of opt.searches) {
    current = `search ${JSON.stringify(s.word)}`;
    await page.goto(pathToFileURL(index).href, { waitUntil: "load" });
    await page.type("#q", s.word);
    const found = await page.evaluate(() =>
      [...document.querySelectorAll("#results a")].map((a) => ({ title: a.textContent, href: a.href })));
    const hit = found.find((f) => f.title === s.title);
    if (!hit) {
      problem(current, `no result titled ${JSON.stringify(s.title)} among ${JSON.stringify(found.map((f) => f.title).slice(0, 10))}`);
      continue;
    }
    await page.goto(hit.href, { waitUntil: "load" });
    const hash = new URL(hit.href).hash.slice(1);
    if (hash && !(await page.evaluate((id) => !!document.getElementById(id), decodeURIComponent(hash)))) {
      problem(current, `the result leads to a missing anchor: ${hit.href}`);
    }
  }

  // 4. A role page printed: a checklist, a box before each step, no header.
  if (opt.role) {
    current = `roles/${opt.role}.html (print)`;
    await page.goto(pathToFileURL(path.join(opt.site, "roles", `${opt.role}.html`)).href, { waitUntil: "load" });
    await page.emulateMediaType("print");
    const printed = await page.evaluate(() => ({
      header: getComputedStyle(document.querySelector("header.site")).display,
      steps: document.querySelectorAll("ol.checklist > li").length,
      boxes: [...document.querySelectorAll("ol.checklist > li .box")].filter((b) => getComputedStyle(b).display !== "none" && b.getBoundingClientRect().width > 0).length,
    }));
    if (printed.header !== "none") problem(current, "the site's header is printed");
    if (printed.steps === 0 || printed.boxes !== printed.steps) problem(current, `printed ${printed.steps} steps with ${printed.boxes} boxes`);
    await page.emulateMediaType(null);
  }

  // 5. Screenshots.
  if (opt.screens) {
    fs.mkdirSync(opt.screens, { recursive: true });
    const shots = [["index", "index.html"]];
    if (opt.workflow) shots.push(["workflow", `workflows/${opt.workflow}.html`]);
    if (opt.role) shots.push(["role", `roles/${opt.role}.html`]);
    for (const [width, height, scale, name] of [[1280, 900, 1, "desktop"], [390, 844, 2, "phone"]]) {
      await page.setViewport({ width, height, deviceScaleFactor: scale });
      for (const [what, file] of shots) {
        current = file;
        await page.goto(pathToFileURL(path.join(opt.site, file)).href, { waitUntil: "load" });
        await page.screenshot({ path: path.join(opt.screens, `${what}-${name}.png`) });
      }
    }
  }
} finally {
  await browser.close();
  fs.rmSync(profile, { recursive: true, force: true });
}

console.log(JSON.stringify({ pages: pages.length, requests, links_checked: wanted.length, external_links: externalLinks, problems: problems.length }));
for (const p of problems) console.error(p);
process.exit(problems.length ? 1 : 0);
