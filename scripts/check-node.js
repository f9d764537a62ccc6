#!/usr/bin/env node
// Run before every build: fails early, with the fix, when the Node running the project is older
// than the one it is tested on (.nvmrc), or when node_modules holds native modules compiled for
// another Node (better-sqlite3 would otherwise fail later, in every test that opens the log).
const fs = require("node:fs");
const path = require("node:path");

const root = path.join(__dirname, "..");
const pinned = fs.readFileSync(path.join(root, ".nvmrc"), "utf8").trim().replace(/^v/, "");
const major = (version) => Number(version.split(".")[0]);
const fix = "run `source scripts/node-env.sh` (installs Node " + pinned + " into ~/.cache and puts it first on PATH)";

if (major(process.versions.node) < major(pinned)) {
  console.error(`This project runs on Node ${major(pinned)} (tested on ${pinned}); this is Node ${process.versions.node}: ${fix}, then \`npm ci\`.`);
  process.exit(1);
}
try {
  const Database = require("better-sqlite3");
  new Database(":memory:").close();
} catch (err) {
  if (err && err.code === "ERR_DLOPEN_FAILED") {
    console.error(`node_modules was built for another Node (this is ${process.versions.node}): run \`npm rebuild\` or \`npm ci\`.\n${err.message.split("\n")[0]}`);
    process.exit(1);
  }
  if (err && err.code !== "MODULE_NOT_FOUND") throw err;
  // No node_modules yet: tsc fails next with its own message.
}
