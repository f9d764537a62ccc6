import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { loadConfig } from "../../src/config";
import { tableByName } from "../../src/events";
import { createQueryEngine, DuckDbEngine } from "../../src/query";
import { LocalStorage } from "../../src/storage";
import { runQueryContract } from "./contract";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "duckdb-contract-"));

runQueryContract("DuckDB over local disk", {
  open: async () => ({ engine: await DuckDbEngine.open(), storage: new LocalStorage(root) }),
  cleanup: async () => fs.rmSync(root, { recursive: true, force: true }),
});

describe("DuckDB engine", () => {
  it("is what the embedded configuration creates", async () => {
    const config = loadConfig({ DATA_DIR: root }, "/");
    const engine = await createQueryEngine(config.query, new LocalStorage(config.storage.warehouse));
    assert.equal(engine.kind, "duckdb");
    await engine.close();
  });

  it("refuses a syncPartitions of a table it never registered", async () => {
    const engine = await DuckDbEngine.open();
    await assert.rejects(engine.syncPartitions(tableByName("events")!), /not registered/);
    await engine.close();
  });

  it("refuses a table on HDFS, which it cannot read", async () => {
    const engine = await DuckDbEngine.open();
    await assert.rejects(engine.registerTables([{ table: tableByName("events")!, location: "hdfs://nn:9000/warehouse/events" }]), /local files only/);
    await engine.close();
  });

  it("returns dates as YYYY-MM-DD and huge sums as numbers", async () => {
    const engine = await DuckDbEngine.open();
    const result = await engine.query("SELECT DATE '2026-01-02' AS d, sum(x) AS s FROM (VALUES (1::BIGINT), (2::BIGINT)) v(x)");
    assert.deepEqual(result.rows, [{ d: "2026-01-02", s: 3 }]);
    await engine.close();
  });
});
