import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { TABLES, tableByName } from "../../src/events";
import { DuckDbEngine, queriesRoot, referenceQueries, registerTables, runReferenceQueries, type ReferenceAnswers } from "../../src/query";
import { LocalStorage } from "../../src/storage";
import { writeScenario } from "./scenario";

const rowsOf = (answer: { rows: Record<string, unknown>[] }) => answer.rows.map((r) => ({ ...r }));

describe("the 13 reference queries on DuckDB, against a hand count of a known session", () => {
  let engine: DuckDbEngine;
  let answers: ReferenceAnswers;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "reference-"));

  before(async () => {
    const storage = new LocalStorage(root);
    await writeScenario(storage);
    engine = await DuckDbEngine.open();
    await registerTables(engine, storage);
    answers = await runReferenceQueries(engine);
  });
  after(async () => {
    await engine?.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it("01 lists the five tables", () => {
    assert.deepEqual(rowsOf(answers["show-tables"]), ["dead_letters", "events", "guilds", "purchases", "sword_purchases"].map((Table) => ({ Table })));
  });

  it("02 and 08 describe the tables as Trino does: contract columns, then dt as partition key", () => {
    for (const [answer, table] of [[answers["describe-purchases"], "purchases"], [answers["describe-guilds"], "guilds"]] as const) {
      const columns = tableByName(table)!.columns.map((c) => c.name);
      assert.deepEqual(answer.rows.map((r) => r.Column), [...columns, "dt"]);
      assert.deepEqual(answer.rows.at(-1), { Column: "dt", Type: "varchar", Extra: "partition key", Comment: "" });
      assert.equal(answer.rows.find((r) => r.Column === "timestamp")!.Type, "timestamp(3)");
    }
    assert.equal(answers["describe-purchases"].rows.find((r) => r.Column === "cost")!.Type, "bigint");
  });

  it("03 shows five purchases with every column", () => {
    assert.equal(answers["purchases-sample"].rows.length, 5);
    assert.ok(answers["purchases-sample"].rows.every((r) => r.outcome === "ok" && typeof r.cost === "number"));
  });

  it("04 finds the three buying hosts", () => {
    assert.deepEqual(answers["purchase-hosts"].rows.map((r) => r.host).sort(), ["h1", "h2", "h3"]);
  });

  it("05 counts completed purchases per host, most first", () => {
    assert.deepEqual(rowsOf(answers["purchases-per-host"]), [
      { host: "h1", num_purchases: 3 },
      { host: "h2", num_purchases: 2 },
      { host: "h3", num_purchases: 1 },
    ]);
  });

  it("06 sums money spent per host, most first, ignoring the rejected purchase", () => {
    assert.deepEqual(rowsOf(answers["money-spent-per-host"]), [
      { host: "h2", money_spent: 45 },
      { host: "h1", money_spent: 30 },
      { host: "h3", money_spent: 5 },
    ]);
  });

  it("07 counts purchases per item", () => {
    assert.deepEqual(rowsOf(answers["purchases-per-item"]), [
      { type: "longsword", num_purchases: 3 },
      { type: "buckler", num_purchases: 2 },
      { type: "katana", num_purchases: 1 },
    ]);
  });

  it("09 and 10 count guild events, all and accepted", () => {
    assert.deepEqual(rowsOf(answers["guild-events"]), [{ num_events: 9 }]);
    assert.deepEqual(rowsOf(answers["guild-events-accepted"]), [{ num_events: 7 }]);
  });

  it("11 names each guild once with one of its member counts (the reference's order is arbitrary)", () => {
    const rows = answers["current-guild-members"].rows;
    assert.deepEqual(rows.map((r) => r.guild_name).sort(), ["g1", "g2", "g3"]);
    const seen: Record<string, number[]> = { g1: [1, 2, 1], g2: [1, 2, 3], g3: [1] };
    for (const r of rows) assert.ok(seen[r.guild_name].includes(r.guild_member_cnt), JSON.stringify(r));
  });

  it("11, corrected: the latest count of each guild by event time and log position", async () => {
    const sql = fs.readFileSync(path.join(queriesRoot(), "analysis", "current-guild-members.sql"), "utf8");
    assert.deepEqual(rowsOf(await engine.query(sql)), [
      { guild_name: "g2", guild_member_cnt: 3 },
      { guild_name: "g1", guild_member_cnt: 1 },
      { guild_name: "g3", guild_member_cnt: 1 },
    ]);
  });

  it("12 counts distinct guilds joined per host", () => {
    assert.deepEqual(rowsOf(answers["guild-joins-per-host"]), [
      { host: "h1", event_type: "join_guild", num_times: 3 },
      { host: "h2", event_type: "join_guild", num_times: 2 },
      { host: "h3", event_type: "join_guild", num_times: 1 },
    ]);
  });

  it("13 counts distinct guilds left per host, ignoring the refused leave", () => {
    assert.deepEqual(rowsOf(answers["guild-leaves-per-host"]), [{ host: "h2", event_type: "leave_guild", num_times: 1 }]);
  });

  it("lands every event once in events and nothing in dead_letters", async () => {
    const counts = await engine.query(`SELECT (SELECT count(*) FROM events) AS events, (SELECT count(DISTINCT event_id) FROM events) AS ids, (SELECT count(*) FROM dead_letters) AS dead, (SELECT count(DISTINCT dt) FROM events) AS days`);
    assert.deepEqual(rowsOf(counts), [{ events: 18, ids: 18, dead: 0, days: 2 }]);
    assert.equal(TABLES.length, 5);
  });
});

describe("reference query files", () => {
  it("keeps the user's 13 queries verbatim, in order", () => {
    // sha256 of the user's seed_queries.sql: the files, joined, are that file byte for byte.
    const joined = referenceQueries("trino").map((q) => q.sql).join("\n");
    assert.equal(createHash("sha256").update(joined).digest("hex"), "77d3a3f4bef15f525170f1e74edf7778e510ae84ba500a2afd8f01255afa24c5");
    const queries = referenceQueries("trino");
    assert.equal(queries.length, 13);
    assert.deepEqual(queries.map((q) => q.id), Array.from({ length: 13 }, (_, i) => String(i + 1).padStart(2, "0")));
    assert.ok(queries.every((q) => q.file.includes(`${path.sep}reference${path.sep}`)));
    assert.match(queries[4].sql, /group by distinct host/);
  });

  it("uses a DuckDB equivalent only where the dialect differs, documented in queries/README.md", () => {
    const duck = referenceQueries("duckdb").filter((q) => q.file.includes("reference-duckdb")).map((q) => q.id);
    assert.deepEqual(duck, ["01", "02", "05", "06", "07", "08"]);
    const readme = fs.readFileSync(path.join(queriesRoot(), "README.md"), "utf8");
    for (const id of duck) assert.match(readme, new RegExp(`\\b${id}\\b`));
  });
});
