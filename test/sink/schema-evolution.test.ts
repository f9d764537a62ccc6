/**
 * The README's recipe for evolving the contract, carried out: the next release adds an optional
 * field (`rarity` on purchases, `since` the new version) and bumps SCHEMA_VERSION. That release is
 * this build with its compiled contract edited exactly so, in a folder of its own; everything else
 * (wire format, validation, the fast path's pattern, Parquet columns, the DuckDB views) must follow
 * from the contract alone. The current version lands some events, then the next one lands the
 * older events still in the log and new events; an independent DuckDB read and the new release's
 * own SQL view must show the new column, NULL for the older events and filled for the new ones.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { silentLogger } from "../../src/logger";
import { runSink } from "../../src/sink";
import { createStorage } from "../../src/storage";
import { EmbeddedLog } from "../../src/transport";
import { duck, fillLog, tempDataDir, testConfig } from "./helpers";

const DIST = path.join(__dirname, "..", "..");
const REPO = path.join(DIST, "..");

/** A copy of the compiled sources whose contract is one version newer: `rarity` on both purchase types. */
function nextRelease(dir: string): { dir: string; version: number } {
  fs.cpSync(path.join(DIST, "src"), path.join(dir, "src"), { recursive: true });
  fs.symlinkSync(path.join(REPO, "node_modules"), path.join(dir, "node_modules"));
  const file = path.join(dir, "src", "events", "contract.js");
  const edits: [string, string][] = [
    ["exports.SCHEMA_VERSION = $V;", "exports.SCHEMA_VERSION = $N;"],
    ["const totalMembers =", 'const rarity = (0, fields_1.field)("rarity", "string", "Item rarity.", { since: $N });\nconst totalMembers ='],
    ['doc: "A sword purchase.", fields: [item, cost]', 'doc: "A sword purchase.", fields: [item, cost, rarity]'],
    ['doc: "A shield purchase.", fields: [item, cost]', 'doc: "A shield purchase.", fields: [item, cost, rarity]'],
  ];
  let text = fs.readFileSync(file, "utf8");
  const version = /exports\.SCHEMA_VERSION = (\d+);/.exec(text);
  assert.ok(version, "the compiled contract no longer sets exports.SCHEMA_VERSION: update this test's edit");
  const next = Number(version[1]) + 1;
  for (const [from, to] of edits.map(([a, b]) => [a.replace("$V", version[1]), b.replaceAll("$N", String(next))])) {
    assert.ok(text.includes(from), `the compiled contract no longer contains ${JSON.stringify(from)}: update this test's edit`);
    text = text.replace(from, to);
  }
  fs.writeFileSync(file, text);
  return { dir, version: next };
}

/** Run by the next release: logs `count` purchases with a rarity, lands the log, answers through its own view. */
const NEXT_RUN = `
const [release, dataDir, from, count] = process.argv.slice(1);
const { buildEvent, toWire } = require(release + "/src/events");
const { loadConfig } = require(release + "/src/config");
const { silentLogger } = require(release + "/src/logger");
const { EmbeddedLog } = require(release + "/src/transport");
const { runSink } = require(release + "/src/sink");
const { createStorage } = require(release + "/src/storage");
const { DuckDbEngine } = require(release + "/src/query");
(async () => {
  const config = loadConfig({ DATA_DIR: dataDir, SINK_METRICS_PORT: "0", LOG_LEVEL: "silent" }, dataDir);
  const log = new EmbeddedLog({ file: config.transport.embeddedPath, logger: silentLogger });
  const producer = await log.producer();
  const ids = [];
  const messages = [];
  for (let i = Number(from); i < Number(from) + Number(count); i++) {
    const id = "00000000-0000-4000-9000-" + String(i).padStart(12, "0");
    ids.push(id);
    const sword = i % 2 === 0;
    messages.push({ key: "p" + i, value: toWire(buildEvent({
      event_id: id, event_type: sword ? "purchase_sword" : "purchase_shield", timestamp: Date.UTC(2026, 10, 28, 12) + i, player_id: "p" + i,
      headers: { host: "h" }, outcome: "ok", status: 200, payload: { type: sword ? "katana" : "buckler", cost: 5, rarity: i % 3 === 0 ? "epic" : "common" },
    })) });
  }
  await producer.send(config.transport.topic, messages);
  await log.close();
  const transport = new EmbeddedLog({ file: config.transport.embeddedPath, logger: silentLogger });
  const engine = await DuckDbEngine.open();
  await runSink({ config, transport, storage: createStorage(config.storage), engine, logger: silentLogger, mode: "batch" });
  const view = await engine.query("SELECT schema_version, rarity, count(*) AS n FROM purchases GROUP BY ALL ORDER BY ALL");
  await engine.close();
  await transport.close();
  process.stdout.write(JSON.stringify({ ids, view: view.rows }));
})().catch((e) => { console.error(e); process.exit(1); });
`;

describe("contract evolution", () => {
  it("lands a field added with a SCHEMA_VERSION bump as a new column, NULL for the events written before it", async () => {
    const dataDir = tempDataDir("evolve-");
    const config = testConfig(dataDir, { SINK_ROLL_ROWS: "100" });
    // The current version: 300 events landed, 200 more still in the log at the upgrade.
    const landed = await fillLog(config, 300);
    const transport = new EmbeddedLog({ file: config.transport.embeddedPath, logger: silentLogger });
    await runSink({ config, transport, storage: createStorage(config.storage), logger: silentLogger, mode: "batch" });
    await transport.close();
    const waiting = await fillLog(config, 200, { from: 300 });
    const v1 = [...landed.valid, ...waiting.valid];

    // The next version: 60 new purchases, then a batch run and a query through its own view.
    const release = nextRelease(tempDataDir("next-release-"));
    const run = spawnSync(process.execPath, ["-e", NEXT_RUN, release.dir, dataDir, "0", "60"], { encoding: "utf8", timeout: 120_000 });
    assert.equal(run.status, 0, run.stderr);
    const { ids, view } = JSON.parse(run.stdout) as { ids: string[]; view: { schema_version: number; rarity: string | null; n: number }[] };

    const v1Purchases = v1.filter((e) => (e.event_type === "purchase_sword" || e.event_type === "purchase_shield") && e.outcome === "ok").length;
    const epic = ids.filter((_, i) => i % 3 === 0).length;
    const expected = [
      { schema_version: release.version - 1, rarity: null, n: v1Purchases },
      { schema_version: release.version, rarity: "common", n: ids.length - epic },
      { schema_version: release.version, rarity: "epic", n: epic },
    ];
    // The next release's own SQL view has the column.
    assert.deepEqual(view.map((r) => ({ ...r, n: Number(r.n) })), expected);
    // An independent read of the files agrees; the old files simply lack the column.
    const glob = path.join(config.storage.warehouse, "purchases", "dt=*", "*.parquet");
    const files = await duck(`SELECT schema_version, rarity, count(*) AS n FROM read_parquet('${glob}', union_by_name = true) GROUP BY ALL ORDER BY ALL`);
    assert.deepEqual(files.map((r) => ({ ...r, n: Number(r.n) })), expected);
    const withColumn = await duck(`SELECT count(DISTINCT file_name) AS n FROM parquet_schema('${glob}') WHERE name = 'rarity'`);
    assert.ok(Number(withColumn[0].n) > 0, "new files carry the rarity column");
    // Nothing became a dead letter: older events are valid events of the new version.
    const deadDir = path.join(config.storage.warehouse, "dead_letters");
    assert.deepEqual(fs.existsSync(deadDir) ? fs.readdirSync(deadDir) : [], [], "no dead letters");
  });
});
