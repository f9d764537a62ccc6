import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { configTable } from "../src/bin/config-docs";
import { CONFIG_DOCS, loadConfig, SETTINGS } from "../src/config";
import { DEFAULT_FETCH_MAX_BYTES } from "../src/transport/kafka/client-options";

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

  it("documents every variable it reads", () => {
    const source = fs.readFileSync(path.join(__dirname, "..", "..", "src", "config.ts"), "utf8");
    const read = new Set([...source.matchAll(/\(env, "([A-Z_]+)"/g)].map((m) => m[1]));
    const documented = new Set(SETTINGS.map((d) => d.variable));
    assert.deepEqual([...read].filter((v) => !documented.has(v)), []);
  });

  it("keeps the README's configuration table equal to the one generated from SETTINGS", () => {
    const readme = fs.readFileSync(path.join(__dirname, "..", "..", "README.md"), "utf8");
    const start = readme.indexOf("| variable | default | meaning |");
    const inReadme = readme.slice(start, readme.indexOf("\n\n", start));
    assert.equal(inReadme, configTable(), "README config table is stale: regenerate it with `node dist/src/bin/config-docs.js` and paste it into the config section");
  });

  it("takes each default from its row, with $NAME standing for another variable's value", () => {
    const config = loadConfig({ DATA_DIR: "/srv/game", PORT: "6000" }, "/tmp/project");
    assert.equal(config.transport.embeddedPath, "/srv/game/log/events.db");
    assert.equal(config.api.store.sqlitePath, "/srv/game/api/state.db");
    assert.equal(config.load.url, "http://localhost:6000");
    const row = (name: string) => SETTINGS.find((s) => s.variable === name)!;
    assert.equal(String(config.sink.rollMaxBytes), row("SINK_ROLL_BYTES").default);
    assert.equal(config.sink.writerMemory, row("SINK_WRITER_MEMORY").default);
    // Kafka clients built without the configuration (tools, tests) fetch as much as configured ones.
    assert.equal(DEFAULT_FETCH_MAX_BYTES, config.transport.kafka.fetchMaxBytes);
    assert.equal(config.sink.fault.point, null);
  });

  it("documents a default that depends on another variable with both values", () => {
    const shown = (name: string) => CONFIG_DOCS.find((d) => d.variable === name)!.default;
    assert.equal(shown("TRANSPORT"), "embedded (real: kafka)");
    assert.equal(shown("WAREHOUSE_DIR"), "$DATA_DIR/warehouse (hdfs: /warehouse)");
    assert.equal(shown("SINK_FAULT"), "(none)");
    assert.equal(loadConfig({ STORAGE: "hdfs" }, "/tmp/project").storage.warehouse, "/warehouse");
  });

  it("reads the item catalogue shipped with the project by default, wherever it runs", () => {
    const config = loadConfig({}, "/tmp/elsewhere");
    assert.ok(fs.existsSync(config.api.catalogFile), config.api.catalogFile);
  });
});
