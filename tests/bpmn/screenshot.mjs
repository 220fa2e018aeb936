// Opens BPMN files in bpmn-js (its viewer bundle, from a local page) in
// headless Chromium, and writes a PNG of each (tests/backend_bpmn.rs runs
// it). Prints one line per import warning and "N passed, N failed"; exits 1
// on a warning or an error.
// Usage: node screenshot.mjs OUT_DIR FILE.bpmn...
// Chromium: /usr/bin/chromium (Debian's `chromium`), or $CHROMIUM.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import puppeteer from 'puppeteer-core';

const here = dirname(fileURLToPath(import.meta.url));
const [outDir, ...files] = process.argv.slice(2);
mkdirSync(outDir, { recursive: true });
const profile = mkdtempSync(join(tmpdir(), 'procflow-chromium-'));
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    `--user-data-dir=${profile}`,
  ],
});
let passed = 0;
let failed = 0;
try {
  const page = await browser.newPage();
  await page.goto(pathToFileURL(join(here, 'viewer.html')).href);
  for (const file of files) {
    try {
      const xml = readFileSync(file, 'utf8');
      const { warnings, width, height } = await page.evaluate((x) => window.show(x), xml);
      for (const w of warnings) console.log(`${file}: bpmn-js: ${w}`);
      await page.setViewport({
        width: Math.min(Math.ceil(width) + 40, 6000),
        height: Math.min(Math.ceil(height) + 40, 4000),
      });
      await page.evaluate((x) => window.show(x), xml);
      await page.screenshot({ path: join(outDir, basename(file, '.bpmn') + '.png') });
      if (warnings.length) failed++; else passed++;
    } catch (e) {
      console.log(`${file}: ${e.message}`);
      failed++;
    }
  }
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
