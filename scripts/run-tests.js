#!/usr/bin/env node
// Runs the compiled tests with node's test runner.
//   fast:    dist/test/**/*.test.js          (no servers; the embedded default)
//   stack:   dist/test/**/*.stack.test.js    (real Kafka, HDFS, Hive Metastore, Trino)
//   browser: dist/test/**/*.browser.test.js  (JupyterLab in headless Chromium)
// Extra arguments are passed through (e.g. a file filter: node scripts/run-tests.js fast sink).
const fs = require("node:fs");
const path = require("node:path");
const { spawnSync } = require("node:child_process");

const tier = process.argv[2] ?? "fast";
const filters = process.argv.slice(3);
const root = path.join(__dirname, "..", "dist", "test");

function walk(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? walk(full) : [full];
  });
}

const tierOf = (f) => (f.endsWith(".stack.test.js") ? "stack" : f.endsWith(".browser.test.js") ? "browser" : "fast");
const files = walk(root)
  .filter((f) => f.endsWith(".test.js") && tierOf(f) === tier)
  .filter((f) => filters.every((needle) => f.includes(needle)))
  .sort();
if (files.length === 0) {
  console.error(`no ${tier} tests found under ${root}`);
  process.exit(1);
}
const result = spawnSync(process.execPath, ["--test", "--test-concurrency=1", ...files], { stdio: "inherit" });
process.exit(result.status ?? 1);
