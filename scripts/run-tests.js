#!/usr/bin/env node
// Runs the compiled tests with node's test runner.
//   fast:    dist/test/**/*.test.js          (no servers; the embedded default)
//   stack:   dist/test/**/*.stack.test.js    (real Kafka, HDFS, Hive Metastore, Trino)
//   browser: dist/test/**/*.browser.test.js  (JupyterLab in headless Chromium)
// Extra arguments are passed through (e.g. a file filter: node scripts/run-tests.js fast sink).
//
// Every test gets a default timeout, so a hang fails with the test's name instead of stalling the
// run. It is a backstop: node applies it to each test file as a whole too, so it is sized for the
// longest file (the notebooks' report run) on a loaded machine; the waits inside the tests have
// their own, shorter deadlines. The stack tier first checks its prerequisites and brings the stack
// up with the project's own `npm run stack -- up` (a running, ready service is left alone): a stack
// test never skips because a service is down, it fails.
const fs = require("node:fs");
const path = require("node:path");
const { spawnSync } = require("node:child_process");

const TIMEOUT_MS = { fast: 10 * 60_000, stack: 20 * 60_000, browser: 20 * 60_000 };

const tier = process.argv[2] ?? "fast";
const filters = process.argv.slice(3);
const repo = path.join(__dirname, "..");
const root = path.join(repo, "dist", "test");
if (!(tier in TIMEOUT_MS)) {
  console.error(`unknown tier "${tier}" (fast, stack or browser)`);
  process.exit(2);
}

function walk(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? walk(full) : [full];
  });
}

const tierOf = (f) => (f.endsWith(".stack.test.js") ? "stack" : f.endsWith(".browser.test.js") ? "browser" : "fast");
// tsc never deletes an output: a test whose source was deleted or renamed would still run from dist.
const hasSource = (f) => fs.existsSync(path.join(repo, path.relative(path.join(repo, "dist"), f)).replace(/\.js$/, ".ts"));
const files = walk(root)
  .filter((f) => f.endsWith(".test.js") && tierOf(f) === tier && hasSource(f))
  .filter((f) => filters.every((needle) => f.includes(needle)))
  .sort();
if (files.length === 0) {
  console.error(`no ${tier} tests found under ${root}`);
  process.exit(1);
}
if (tier === "stack") prepareStack();
const result = spawnSync(process.execPath, ["--test", "--test-concurrency=1", `--test-timeout=${TIMEOUT_MS[tier]}`, ...files], { stdio: "inherit" });
if (tier === "stack") console.error("run-tests: the stack is still running; `npm run stack -- down` stops it");
process.exit(result.status ?? 1);

/** Fails (exit 1) with what to install or what to run when the stack tier cannot run. */
function prepareStack() {
  const missing = [];
  // The tests read topics with kcat, a client independent of ours.
  if (spawnSync("kcat", ["-V"], { stdio: "ignore" }).error) missing.push("kcat (the tests' independent Kafka reader): sudo apt-get install kcat (or bash scripts/setup.sh)");
  const stack = (...args) => spawnSync("bash", [path.join(repo, "scripts/stack/stack.sh"), ...args], { stdio: "inherit" });
  if (stack("check").status !== 0) missing.push("the stack's prerequisites listed above");
  if (missing.length > 0) {
    for (const m of missing) console.error(`run-tests: missing: ${m}`);
    console.error("run-tests: the stack tier cannot run until these are installed");
    process.exit(1);
  }
  console.error("run-tests: bringing the stack up (npm run stack -- up; running services are reused)");
  if (stack("up").status !== 0) {
    console.error("run-tests: the stack did not come up (see above). Start it with `npm run stack -- up`; `npm run stack -- logs <service>` shows why a service failed");
    process.exit(1);
  }
}
