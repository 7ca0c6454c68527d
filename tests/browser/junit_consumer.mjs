// junit_consumer.mjs JUNIT.xml RESULT.json
// Reads faultlab's JUnit XML with junit2json (the parser CI uploaders use)
// and checks that what a CI system would show agrees with the result JSON:
// a testcase per placement named "scenario [placement]" with the scenario's
// file, a <failure> exactly for a failed placement (naming its failing
// seeds), an <error> exactly for a harness error, and the totals.
import { parse } from 'junit2json';
import { readFileSync } from 'node:fs';

const [xmlPath, jsonPath] = process.argv.slice(2);
if (!xmlPath || !jsonPath) {
  console.error('usage: junit_consumer.mjs JUNIT.xml RESULT.json');
  process.exit(2);
}
const junit = await parse(readFileSync(xmlPath, 'utf8'));
const result = JSON.parse(readFileSync(jsonPath, 'utf8'));
const failures = [];
const fail = (m) => failures.push(m);

const suites = junit?.testsuite ?? [];
let tests = 0, failed = 0, errors = 0;
if (suites.length !== result.scenarios.length)
  fail(`${suites.length} testsuites for ${result.scenarios.length} scenarios`);
result.scenarios.forEach((s, i) => {
  const suite = suites[i] ?? {};
  if (suite.name !== s.name) fail(`testsuite ${i} is ${suite.name}, not ${s.name}`);
  const cases = suite.testcase ?? [];
  if (cases.length !== s.placements.length)
    fail(`${s.name}: ${cases.length} testcases for ${s.placements.length} placements`);
  let sFailed = 0, sErrors = 0;
  s.placements.forEach((p, j) => {
    const c = cases[j] ?? {};
    const want = `${s.name} [${p.placement}]`;
    if (c.name !== want) fail(`testcase ${c.name}, expected ${want}`);
    if (c.classname !== `faultlab.${s.name}`) fail(`${want}: classname ${c.classname}`);
    if (c.file !== s.file) fail(`${want}: file ${c.file}, expected ${s.file}`);
    const hasFailure = (c.failure ?? []).length > 0;
    const hasError = (c.error ?? []).length > 0;
    const isError = p.error != null;
    if (hasError !== isError) fail(`${want}: <error> ${hasError}, harness error ${isError}`);
    if (hasFailure !== (!p.passed && !isError))
      fail(`${want}: <failure> ${hasFailure}, passed ${p.passed}`);
    if (hasFailure) {
      const message = c.failure[0].message ?? '';
      for (const seed of p.summary?.failing_seeds ?? []) {
        if (!new RegExp(`\\b${seed}\\b`).test(message))
          fail(`${want}: failure message names no seed ${seed}: ${message}`);
      }
    }
    sFailed += hasFailure; sErrors += hasError;
  });
  if (suite.tests !== s.placements.length) fail(`${s.name}: tests=${suite.tests}`);
  if (suite.failures !== sFailed) fail(`${s.name}: failures=${suite.failures}, counted ${sFailed}`);
  if (suite.errors !== sErrors) fail(`${s.name}: errors=${suite.errors}, counted ${sErrors}`);
  tests += s.placements.length; failed += sFailed; errors += sErrors;
});
if (junit.tests !== tests || junit.failures !== failed || junit.errors !== errors)
  fail(`totals tests=${junit.tests} failures=${junit.failures} errors=${junit.errors}, ` +
       `counted ${tests}/${failed}/${errors}`);

if (failures.length) {
  for (const f of failures) console.error(`FAIL: ${f}`);
  process.exit(1);
}
console.log(`OK: ${xmlPath}: ${tests} testcases in ${suites.length} suites agree with ${jsonPath}`);
