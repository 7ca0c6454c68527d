// validate_json.mjs [--expect-invalid] SCHEMA.json DATA.json
// Validates DATA against a JSON Schema (draft 2020-12) with ajv. Exit 0 when the
// result matches the expectation (valid, or invalid with --expect-invalid),
// 1 when it does not, 2 on bad usage or a missing `npm ci`.
import { readFileSync } from 'node:fs';

let Ajv2020, addFormats;
try {
  Ajv2020 = (await import('ajv/dist/2020.js')).default;
  addFormats = (await import('ajv-formats')).default;
} catch (e) {
  console.error(`validate_json: ajv is not installed; run \`npm ci\` in ${new URL('.', import.meta.url).pathname}`);
  process.exit(2);
}

const args = process.argv.slice(2);
const expectInvalid = args[0] === '--expect-invalid';
if (expectInvalid) args.shift();
if (args.length !== 2) {
  console.error('usage: validate_json.mjs [--expect-invalid] SCHEMA.json DATA.json');
  process.exit(2);
}
const [schemaPath, dataPath] = args;
const load = (p) => JSON.parse(readFileSync(p, 'utf8'));

const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats(ajv);
const validate = ajv.compile(load(schemaPath));
const ok = validate(load(dataPath));
if (ok) {
  console.log(`${dataPath}: valid against ${schemaPath}`);
} else {
  for (const e of validate.errors) {
    console.log(`${dataPath}: ${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
  }
}
if (ok === expectInvalid) {
  console.error(expectInvalid ? 'FAIL: expected the data to be rejected' : 'FAIL: data is not valid');
  process.exit(1);
}
