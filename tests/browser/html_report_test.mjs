// html_report_test.mjs REPORT.html SHOT.png [--json RESULT.json]... [--expect TEXT]...
//                      [--mobile SHOT390.png]
// Opens a faultlab HTML report in headless Chromium (/usr/bin/chromium, or
// $CHROMIUM) with a fresh profile and fails when the page makes any request
// other than the file itself, logs a console error or throws, or lacks the
// expected text: every --expect TEXT, and with --json the scenario names,
// verdicts, worker outcomes and the first crash frame of each trial. At 390 px
// width the page must not scroll sideways; printing must open every <details>.
// Saves full-page screenshots. axe-core checks the page (collapsed blocks
// opened, so their content is checked too) and fails on any serious or
// critical accessibility violation, naming the rule and the first elements.
import { chromium } from 'playwright-core';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
               '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function parseArgs(argv) {
  const opts = { expect: [], json: [], mobile: null, positional: [] };
  for (let i = 0; i < argv.length; ++i) {
    if (argv[i] === '--expect') opts.expect.push(argv[++i]);
    else if (argv[i] === '--json') opts.json.push(argv[++i]);
    else if (argv[i] === '--mobile') opts.mobile = argv[++i];
    else opts.positional.push(argv[i]);
  }
  if (opts.positional.length !== 2 || opts.expect.includes(undefined) ||
      opts.json.includes(undefined) || opts.mobile === undefined) {
    console.error('usage: html_report_test.mjs REPORT.html SHOT.png [--json RESULT.json] ' +
                  '[--expect TEXT]... [--mobile SHOT390.png]');
    process.exit(2);
  }
  return opts;
}

// Text the report must show for a result JSON (faultlab.result/1).
function expectationsFrom(result) {
  const want = new Set();
  for (const s of result.scenarios ?? []) {
    if (s?.name) want.add(s.name);
    want.add(s?.passed ? '✔ as expected' : '✘');
    for (const p of s?.placements ?? []) {
      for (const t of p?.trials ?? []) {
        for (const w of t?.workers ?? []) if (w?.outcome) want.add(w.outcome);
        const fn = t?.crash?.frames?.[0]?.function;
        if (fn) want.add(fn);
      }
    }
  }
  return [...want];
}

async function check(context, url, width, shot, expected, failures, axe) {
  const page = await context.newPage();
  await page.setViewportSize({ width, height: 900 });
  page.on('console', (m) => { if (m.type() === 'error') failures.push(`console error: ${m.text()}`); });
  page.on('pageerror', (e) => failures.push(`page error: ${e.message}`));
  await page.goto(url, { waitUntil: 'load' });
  const text = await page.evaluate(() => document.body.textContent);
  for (const t of expected) {
    if (!text.includes(t)) failures.push(`${width}px: page text lacks ${JSON.stringify(t)}`);
  }
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
  if (overflow > 0) {
    // Name the elements that stick out, innermost first, so a failure says
    // which part of the report to fix.
    const culprits = await page.evaluate(() => {
      const out = [];
      for (const el of document.querySelectorAll('body *')) {
        const r = el.getBoundingClientRect();
        if (r.right <= innerWidth + 0.5 || r.width === 0) continue;
        if ([...el.children].some((c) => c.getBoundingClientRect().right > innerWidth + 0.5)) continue;
        const id = el.id ? `#${el.id}` : '';
        const cls = el.className && typeof el.className === 'string' ? `.${el.className.split(' ').join('.')}` : '';
        out.push(`${el.tagName.toLowerCase()}${id}${cls} right=${Math.round(r.right)} ` +
                 `text=${JSON.stringify((el.textContent || '').slice(0, 60))}`);
        if (out.length >= 5) break;
      }
      return out;
    });
    failures.push(`${width}px: page scrolls sideways by ${overflow}px; sticking out: ` +
                  (culprits.join('; ') || 'nothing measurable'));
  }
  // The summary table may scroll inside itself on a wide page, never on a phone.
  if (width < 640) {
    const hidden = await page.evaluate(() =>
      [...document.querySelectorAll('.summary')].map((e) => e.scrollWidth - e.clientWidth)
        .filter((d) => d > 0));
    if (hidden.length) failures.push(`${width}px: summary table hides ${hidden[0]}px sideways`);
  }
  if (axe) await checkAccessibility(page, width, failures);
  await page.screenshot({ path: shot, fullPage: true });
  console.log(`screenshot ${shot} (${width}px wide)`);
  // Printing opens every collapsed block (the page's only script).
  await page.emulateMedia({ media: 'print' });
  const closed = await page.evaluate(() => {
    dispatchEvent(new Event('beforeprint'));
    return document.querySelectorAll('details:not([open])').length;
  });
  if (closed) failures.push(`${width}px: ${closed} <details> stay closed for print`);
  await page.close();
}

const AXE = readFileSync(new URL('./node_modules/axe-core/axe.min.js', import.meta.url), 'utf8');

async function checkAccessibility(page, width, failures) {
  // Evaluated by the browser's debugger, not as a page script, so the
  // report's own CSP (one hashed script) stays as it is.
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const opened = [...document.querySelectorAll('details:not([open])')];
    for (const d of opened) d.open = true;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    for (const d of opened) d.open = false;
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact, count: v.nodes.length,
                     first: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
                     summary: v.nodes[0]?.failureSummary?.split('\n')[1] ?? '' }));
  });
  for (const v of violations)
    failures.push(`${width}px: axe ${v.impact} ${v.id} on ${v.count} element(s), e.g. ` +
                  `${v.first.join(', ')}: ${v.summary.trim()}`);
}

const opts = parseArgs(process.argv.slice(2));
const [report, shot] = opts.positional.map((p) => resolve(p));
const url = pathToFileURL(report).href;
const expected = [...opts.expect];
for (const j of opts.json) expected.push(...expectationsFrom(JSON.parse(readFileSync(j, 'utf8'))));

const failures = [];
const profile = mkdtempSync(join(tmpdir(), 'faultlab-chromium-'));
let context;
try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: FLAGS,
  });
  context.on('request', (r) => {
    if (r.url() !== url) failures.push(`network request: ${r.method()} ${r.url()}`);
  });
  await context.route('**/*', (route) =>
    route.request().url() === url ? route.continue() : route.abort());
  // axe once per report, at the narrowest width checked (where regions
  // scroll); colour contrast does not depend on the width.
  await check(context, url, 1280, shot, expected, failures, !opts.mobile);
  if (opts.mobile) await check(context, url, 390, resolve(opts.mobile), expected, failures, true);
} catch (e) {
  failures.push(`browser: ${e.message}`);
} finally {
  await context?.close();
  rmSync(profile, { recursive: true, force: true });
}

if (failures.length) {
  for (const f of failures) console.error(`FAIL: ${f}`);
  process.exit(1);
}
console.log(`OK: ${report}: no requests besides the file, no console errors, ` +
            `${expected.length} expected texts found`);
