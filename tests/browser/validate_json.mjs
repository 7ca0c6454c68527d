// validate_json.mjs [--expect-invalid] SCHEMA.json DATA.json|DATA.yaml...
// Validates each DATA file (JSON, or YAML such as a scenario) against a JSON
// Schema (draft 2020-12) with ajv. Exit 0 when every result matches the
// expectation (valid, or invalid with --expect-invalid), 1 when one does not,
// 2 on bad usage or a missing `npm ci`.
import { readFileSync } from 'node:fs';

let Ajv2020, addFormats, parseYaml;
try {
  Ajv2020 = (await import('ajv/dist/2020.js')).default;
  addFormats = (await import('ajv-formats')).default;
  parseYaml = (await import('yaml')).parse;
} catch (e) {
  console.error(`validate_json: ajv is not installed; run \`npm ci\` in ${new URL('.', import.meta.url).pathname}`);
  process.exit(2);
}

const args = process.argv.slice(2);
const expectInvalid = args[0] === '--expect-invalid';
if (expectInvalid) args.shift();
if (args.length < 2) {
  console.error('usage: validate_json.mjs [--expect-invalid] SCHEMA.json DATA...');
  process.exit(2);
}
const [schemaPath, ...dataPaths] = args;
const load = (p) => {
  const text = readFileSync(p, 'utf8');
  return /\.ya?ml$/.test(p) ? parseYaml(text) : JSON.parse(text);
};

const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats(ajv);
const validate = ajv.compile(load(schemaPath));
let failed = false;
for (const dataPath of dataPaths) {
  const ok = validate(load(dataPath));
  if (ok) {
    console.log(`${dataPath}: valid against ${schemaPath}`);
  } else {
    for (const e of validate.errors) {
      console.log(`${dataPath}: ${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
    }
  }
  if (ok === expectInvalid) {
    console.error(`${dataPath}: ` + (expectInvalid ? 'FAIL: expected the data to be rejected' : 'FAIL: data is not valid'));
    failed = true;
  }
}
if (failed) process.exit(1);
