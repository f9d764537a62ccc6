import { after, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadConfig } from "../../src/config";
import type { LoadResult } from "../../src/load";
import { silentLogger } from "../../src/logger";
import { connect, countsOf, PROJECT_ROOT, rows } from "../../src/notebook";
import { countRows, landBatch, openStack, readRunRecord, runRecord, sendLoad, startLocalApi, startStreamingSink, writeRunRecord } from "../../src/pipeline";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pipeline-e2e-"));
after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

test("a run as the pipeline notebook drives it (stream while players play, then a batch) lands every event once, and the analysis connection reads it", async () => {
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: "silent", SINK_ROLL_INTERVAL_MS: "500" }, PROJECT_ROOT);
  const startedAt = new Date();
  const stack = await openStack(config, silentLogger);
  const api = await startLocalApi(config, silentLogger);
  const loads: LoadResult[] = [];
  try {
    await stack.transport.ensureTopic(config.transport.topic, { partitions: 1, replicationFactor: 1 });
    const streaming = await startStreamingSink(stack, silentLogger);
    loads.push(await sendLoad(config, api.url, { scenario: "players", requests: 800, players: 80, seed: 3, playerTag: "e2e" }, silentLogger));
    const streamed = await streaming.stop();
    loads.push(await sendLoad(config, api.url, { scenario: "reference", requests: 64, seed: 3, playerTag: "e2e", connections: 1 }, silentLogger));
    const batch = await landBatch(stack, silentLogger);
    assert.ok(streamed.records > 0 && batch.records > 0, "both sink runs landed events");

    const record = runRecord(config, loads, startedAt);
    assert.deepEqual(record.loads.map((l) => [l.scenario, l.requests]), [["players", 800], ["reference", 64]]);
    assert.deepEqual(await countRows(stack.engine), { dead_letters: 0, ...record.truth.tables });
    const { dead_letters: _none, ...perPlayerTables } = record.truth.tables;
    assert.deepEqual(await countRows(stack.engine, { playerTag: "e2e" }), perPlayerTables);
    writeRunRecord(config.dataDir, record);
  } finally {
    await api.close();
    await stack.close();
  }

  const db = await connect(config);
  try {
    const truth = readRunRecord(dataDir).truth;
    assert.equal(db.run.truth.events.total, truth.events.total);
    const perHost = await db.sql(db.queryFile("reference/05-purchases-per-host.sql"));
    const expected: Record<string, number> = {};
    for (const [id, p] of Object.entries(truth.players)) if (p.purchases > 0) expected[p.host ?? id] = (expected[p.host ?? id] ?? 0) + p.purchases;
    assert.deepEqual(countsOf(perHost, "host", "num_purchases"), expected);
    const events = await db.sql("SELECT min(\"timestamp\") AS first_event, count(*) AS n FROM events;");
    assert.ok(rows(events)[0].first_event instanceof Date);
    assert.equal(rows(events)[0].n, truth.events.total);
  } finally {
    await db.close();
  }
});

test("on DuckDB a reference query with a documented equivalent reads that file; the others read the verbatim one", async () => {
  const config = loadConfig({ DATA_DIR: dataDir }, PROJECT_ROOT);
  const db = await connect(config);
  try {
    assert.equal(db.queryFile("reference/05-purchases-per-host.sql").file, path.join("queries", "reference-duckdb", "05-purchases-per-host.sql"));
    const verbatim = db.queryFile("reference/09-guild-events.sql");
    assert.equal(verbatim.file, path.join("queries", "reference", "09-guild-events.sql"));
    assert.equal(verbatim.text, "select count(*) as num_events from guilds;");
  } finally {
    await db.close();
  }
});
