// report_load.mjs [--runs N] REPORT.html...
// How long a faultlab HTML report takes to open: loads each file in headless
// Chromium (/usr/bin/chromium, or $CHROMIUM) with a fresh profile, N times
// (default 3; round robin over the files), each time in a new page, and
// prints one tab-separated line per file:
//
//   file  dcl_ms  load_ms  dom_elements
//
// dcl_ms and load_ms are medians over the N loads, from the page's Navigation
// Timing entry: navigation start -> end of the DOMContentLoaded / load event.
// dom_elements counts every element of the loaded document. One load of the
// first file before the measured ones warms the browser up (renderer start)
// so the first file is not charged for it.
// Prints figures only, never judges them; exits 1 when a page fails to load.
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

// playwright-core lives with the browser test; resolve it from there so the
// script runs from any working directory.
const require = createRequire(new URL('../tests/browser/package.json', import.meta.url));
const { chromium } = require('playwright-core');

// The same flags as tests/browser/html_report_test.mjs.
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
               '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function parseArgs(argv) {
  const opts = { runs: 3, files: [] };
  for (let i = 0; i < argv.length; ++i) {
    if (argv[i] === '--runs') opts.runs = Number(argv[++i]);
    else opts.files.push(argv[i]);
  }
  if (!opts.files.length || !Number.isInteger(opts.runs) || opts.runs < 1) {
    console.error('usage: report_load.mjs [--runs N] REPORT.html...');
    process.exit(2);
  }
  return opts;
}

function median(values) {
  const v = [...values].sort((a, b) => a - b);
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

// One load in a new page; returns {dcl, load, elements}.
async function loadOnce(context, url) {
  const page = await context.newPage();
  try {
    await page.goto(url, { waitUntil: 'load' });
    // loadEventEnd is set once the load handlers have returned, which may be
    // just after Playwright sees the event.
    await page.waitForFunction(() => performance.getEntriesByType('navigation')[0]?.loadEventEnd > 0);
    return await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      return {
        dcl: nav.domContentLoadedEventEnd - nav.startTime,
        load: nav.loadEventEnd - nav.startTime,
        elements: document.getElementsByTagName('*').length,
      };
    });
  } finally {
    await page.close();
  }
}

const opts = parseArgs(process.argv.slice(2));
const profile = mkdtempSync(join(tmpdir(), 'faultlab-chromium-'));
let context;
let status = 0;
try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: FLAGS,
  });
  const urls = opts.files.map((f) => pathToFileURL(resolve(f)).href);
  await loadOnce(context, urls[0]);  // warm-up, not counted
  // Round robin over the files, so a slow spell of the machine is spread
  // over all of them rather than charged to one.
  const loads = urls.map(() => []);
  for (let r = 0; r < opts.runs; ++r) {
    for (let i = 0; i < urls.length; ++i) loads[i].push(await loadOnce(context, urls[i]));
  }
  opts.files.forEach((file, i) => {
    if (new Set(loads[i].map((l) => l.elements)).size !== 1) {
      throw new Error(`${file}: the element count differs between loads`);
    }
    console.log([file, median(loads[i].map((l) => l.dcl)).toFixed(1),
                 median(loads[i].map((l) => l.load)).toFixed(1), loads[i][0].elements].join('\t'));
  });
} catch (e) {
  console.error(`report_load: ${e.message}`);
  status = 1;
} finally {
  await context?.close();
  rmSync(profile, { recursive: true, force: true });
}
process.exit(status);
