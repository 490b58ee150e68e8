// Compiles every schema in schemas/ with ajv in strict mode (JSON Schema 2020-12, formats checked),
// so that a schema with an unknown keyword, a keyword that cannot apply to its type, or a typo
// in a $ref fails here instead of passing quietly in a lenient validator. With record files as
// arguments ("KIND:FILE"), also prints ajv's verdict on each, a third opinion beside the C
// validator and python3-jsonschema.
import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, "..", "..", "tools", "node", "package.json"));
const Ajv2020 = require("ajv/dist/2020").default;
const addFormats = require("ajv-formats");

const dir = join(here, "..", "..", "schemas");
const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);
let failed = 0;
const validators = {};
for (const name of readdirSync(dir).filter((f) => f.endsWith(".schema.json")).sort()) {
  try {
    validators[name.replace(".schema.json", "")] = ajv.compile(JSON.parse(readFileSync(join(dir, name), "utf8")));
    console.log(`${name}: compiles in strict mode`);
  } catch (e) {
    console.log(`${name}: ${e.message}`);
    failed++;
  }
}
for (const arg of process.argv.slice(2)) {
  const [kind, file] = [arg.slice(0, arg.indexOf(":")), arg.slice(arg.indexOf(":") + 1)];
  let ok = false;
  try {
    ok = validators[kind](JSON.parse(readFileSync(file, "utf8")));
  } catch (e) {
    ok = false;
  }
  console.log(`${file}: ${ok ? "valid" : "invalid"}`);
}
process.exit(failed ? 1 : 0);
