import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { CONFIG_DOCS, loadConfig } from "../src/config";

describe("configuration", () => {
  it("runs everything on the embedded default when nothing is set", () => {
    const config = loadConfig({}, "/tmp/project");
    assert.equal(config.stack, "embedded");
    assert.equal(config.transport.kind, "embedded");
    assert.equal(config.storage.kind, "local");
    assert.equal(config.query.kind, "duckdb");
    assert.equal(config.api.port, 5000);
    assert.equal(config.storage.warehouse, "/tmp/project/data/warehouse");
    assert.equal(config.transport.embeddedPath, "/tmp/project/data/log/events.db");
  });

  it("switches every backend to the real stack with one setting", () => {
    const config = loadConfig({ PIPELINE_STACK: "real" }, "/tmp/project");
    assert.deepEqual([config.transport.kind, config.storage.kind, config.query.kind], ["kafka", "hdfs", "trino"]);
    assert.equal(config.storage.warehouse, "/warehouse");
  });

  it("lets a single backend be overridden on the real stack", () => {
    const config = loadConfig({ PIPELINE_STACK: "real", QUERY_ENGINE: "presto" }, "/tmp/project");
    assert.equal(config.query.kind, "presto");
  });

  it("names the variable when a value is invalid", () => {
    assert.throws(() => loadConfig({ PORT: "http" }), /PORT must be an integer/);
    assert.throws(() => loadConfig({ TRANSPORT: "carrier-pigeon" }), /TRANSPORT must be one of embedded, kafka/);
  });

  it("returns a frozen object", () => {
    const config = loadConfig({});
    assert.throws(() => {
      (config.api as { port: number }).port = 1;
    }, TypeError);
  });

  it("documents every variable it reads, in the README too", () => {
    const source = fs.readFileSync(path.join(__dirname, "..", "..", "src", "config.ts"), "utf8");
    const read = new Set([...source.matchAll(/\(env, "([A-Z_]+)"/g)].map((m) => m[1]));
    const documented = new Set(CONFIG_DOCS.map((d) => d.variable));
    assert.deepEqual([...read].filter((v) => !documented.has(v)), []);
    const readme = fs.readFileSync(path.join(__dirname, "..", "..", "README.md"), "utf8");
    assert.deepEqual(
      [...documented].filter((v) => !readme.includes(`\`${v}\``)),
      [],
      "README config table is stale: regenerate it with `node dist/src/bin/config-docs.js` and paste it into the config section",
    );
  });
});
