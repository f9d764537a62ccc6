/**
 * The 13 reference queries against the hand-counted scenario (test/query/scenario.ts): DuckDB
 * over local disk in the fast tier, Trino/Presto over HDFS in the stack tier.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { TABLES, tableByName } from "../../src/events";
import { registerTables, runReferenceQueries, type QueryEngine, type ReferenceAnswers } from "../../src/query";
import type { Storage } from "../../src/storage";
import { notebookQueries } from "../report/notebook-queries";
import { writeScenario } from "./scenario";

const rowsOf = (answer: { rows: Record<string, unknown>[] }) => answer.rows.map((r) => ({ ...r }));

export interface ReferenceFixture {
  /** An engine and an empty storage root of their own (the queries name the tables unqualified). */
  open(): Promise<{ engine: QueryEngine; storage: Storage }>;
  cleanup?(): Promise<void>;
}

/** Writes the scenario, registers the tables and checks the 13 answers against the hand count. */
export function runReferenceSuite(name: string, fixture: ReferenceFixture): void {
  describe(`the 13 reference queries on ${name}, against a hand count of a known session`, () => {
    let engine: QueryEngine;
    let answers: ReferenceAnswers;

    before(async () => {
      let storage: Storage;
      ({ engine, storage } = await fixture.open());
      await writeScenario(storage);
      await registerTables(engine, storage);
      answers = await runReferenceQueries(engine);
    });
    after(async () => {
      await engine?.close();
      await fixture.cleanup?.();
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

    it("11, corrected (the analysis notebook's query): the latest count of each guild by event time and log position", async () => {
      const sql = notebookQueries().get("latest")?.();
      assert.ok(sql, "02-analysis.ipynb has its `const latest = await sql(...)` cell");
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
}
