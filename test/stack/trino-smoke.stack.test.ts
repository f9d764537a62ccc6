/**
 * Smoke test of the stack's SQL engine, independent of src/query: a Parquet file written by DuckDB,
 * uploaded through WebHDFS (following the NameNode's 307 to the DataNode), registered as an external
 * table through the Hive Metastore, read back by Trino through `presto-client`; then the reference's
 * 13 queries, verbatim, against a small known session.
 */
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { Client, type Column } from "presto-client";
import { PARTITION_COLUMN, tableByName, type GameEvent, type TableDef } from "../../src/events";
import { trinoCreateTable, trinoSyncPartitions } from "../../src/query/ddl";
import { referenceQueries } from "../../src/query/reference";
import { dtOf, parquetBytes, rowOf } from "../query/parquet-fixture";
import { SCENARIO } from "../query/scenario";
import { httpPut } from "../../src/storage/http-put";
import { ensureSqlStack } from "../query/trino-fixture";
import { stackConfig } from "./stack";

const config = stackConfig();
const { storage: s, query: q } = config;
const schema = `smoke_${Date.now().toString(36)}`;
const hdfsDir = `/tmp/trino-smoke/${schema}`;

type Row = Record<string, unknown>;

/** Runs one statement and returns its rows keyed by column name. */
function sql(client: Client, query: string): Promise<Row[]> {
  return new Promise((resolve, reject) => {
    const rows: Row[] = [];
    client.execute({
      query,
      catalog: q.catalog,
      schema,
      data: (_error: unknown, data: unknown[][], columns: Column[]) => {
        for (const values of data) rows.push(Object.fromEntries(columns.map((c, i) => [c.name, values[i]])));
      },
      success: () => resolve(rows),
      error: (error: unknown) => reject(new Error(`${query.slice(0, 60)}...: ${JSON.stringify(error)}`)),
    });
  });
}

/**
 * WebHDFS CREATE: the NameNode answers 307 naming the DataNode, which takes the bytes (201).
 * The DataNode leg goes through node:http: the DataNode sends an unasked "100 Continue" that fetch rejects.
 */
async function webhdfsPut(file: string, bytes: Buffer): Promise<void> {
  const url = `${s.webhdfsUrl}/webhdfs/v1${file}?op=CREATE&overwrite=true&user.name=${s.hdfsUser}`;
  const redirect = await fetch(url, { method: "PUT", redirect: "manual" });
  assert.equal(redirect.status, 307, `NameNode answered ${redirect.status} to CREATE`);
  const location = redirect.headers.get("location");
  assert.ok(location, "the 307 names the DataNode");
  const put = await httpPut(location, bytes, { "content-type": "application/octet-stream" }, 30_000);
  assert.equal(put.status, 201, `DataNode answered ${put.status}: ${put.body}`);
}

/** Writes a table's rows of the scenario as one Parquet file per dt partition; returns the row count. */
async function landTable(table: TableDef, events: readonly GameEvent[]): Promise<number> {
  const byDay = new Map<string, Row[]>();
  events.forEach((event, offset) => {
    if (table.accepts(event)) byDay.set(dtOf(event.timestamp), [...(byDay.get(dtOf(event.timestamp)) ?? []), rowOf(event, offset)]);
  });
  for (const [day, rows] of byDay) {
    await webhdfsPut(`${hdfsDir}/${table.name}/${PARTITION_COLUMN}=${day}/part-0.parquet`, await parquetBytes(table, rows));
  }
  return [...byDay.values()].reduce((n, rows) => n + rows.length, 0);
}

/** Counts of `key` over events, as a sorted list of [key, count]. */
function countBy(events: readonly GameEvent[], key: (e: GameEvent) => string, value: (e: GameEvent) => number = () => 1) {
  const counts = new Map<string, number>();
  for (const e of events) counts.set(key(e), (counts.get(key(e)) ?? 0) + value(e));
  return [...counts].sort(([a], [b]) => a.localeCompare(b));
}

const pairs = (rows: Row[], key: string, value: string) =>
  rows.map((r) => [String(r[key]), Number(r[value])] as [string, number]).sort(([a], [b]) => a.localeCompare(b));

describe("Trino on the stack: HDFS, Hive Metastore and the reference's queries", () => {
  const url = new URL(q.prestoUrl);
  // On the secured stack: HTTPS trusting the stack's CA, and the pipeline's login.
  const login = q.password ? { ssl: { ca: q.ca ?? undefined }, basic_auth: { user: q.user, password: q.password.reveal() } } : {};
  const client = new Client({ host: url.hostname, port: Number(url.port), user: q.user, engine: q.kind === "presto" ? "presto" : "trino", catalog: q.catalog, schema, ...login });
  const purchases = tableByName("purchases")!;
  const guilds = tableByName("guilds")!;
  const bought = SCENARIO.filter(purchases.accepts);
  const guildEvents = SCENARIO.filter(guilds.accepts);
  const answers: Record<string, Row[]> = {};

  before(async () => {
    await ensureSqlStack();
    await sql(client, `CREATE SCHEMA ${q.catalog}.${schema} WITH (location = '${s.hdfsUri}${hdfsDir}')`);
    for (const table of [purchases, guilds]) await landTable(table, SCENARIO);
  });

  after(async () => {
    for (const table of [purchases, guilds]) await sql(client, `DROP TABLE IF EXISTS ${q.catalog}.${schema}.${table.name}`).catch(() => undefined);
    await sql(client, `DROP SCHEMA IF EXISTS ${q.catalog}.${schema}`).catch(() => undefined);
    await fetch(`${s.webhdfsUrl}/webhdfs/v1${hdfsDir}?op=DELETE&recursive=true&user.name=${s.hdfsUser}`, { method: "DELETE" });
  });

  it("reads an external Parquet table on HDFS once sync_partition_metadata registers its partitions", async () => {
    for (const table of [purchases, guilds]) {
      await sql(client, trinoCreateTable(table, `${s.hdfsUri}${hdfsDir}/${table.name}`, { catalog: q.catalog, schema }));
      assert.deepEqual(await sql(client, `SELECT count(*) AS n FROM ${table.name}`), [{ n: 0 }], "no partition is registered yet");
      await sql(client, trinoSyncPartitions(table, { catalog: q.catalog, schema }));
    }
    assert.deepEqual(await sql(client, "SELECT count(*) AS n FROM purchases"), [{ n: bought.length }]);
    const days = await sql(client, "SELECT DISTINCT dt FROM guilds ORDER BY dt");
    assert.deepEqual(days.map((r) => r.dt), [...new Set(guildEvents.map((e) => dtOf(e.timestamp)))].sort());
  });

  it("runs the reference's 13 queries verbatim", async () => {
    const queries = referenceQueries("trino");
    assert.equal(queries.length, 13);
    // The files end with ';' as typed in a SQL shell; the REST protocol takes one statement without it.
    for (const query of queries) answers[query.name] = await sql(client, query.sql.trim().replace(/;$/, ""));
    assert.deepEqual(answers["show-tables"].map((r) => r.Table).sort(), ["guilds", "purchases"]);
  });

  it("answers them as counted from the session's events", () => {
    assert.ok(answers["describe-purchases"].some((r) => r.Column === "cost" && r.Type === "bigint"));
    assert.ok(answers["describe-guilds"].some((r) => r.Column === PARTITION_COLUMN && r.Extra === "partition key"));
    assert.equal(answers["purchases-sample"].length, Math.min(5, bought.length));
    assert.equal(answers["purchase-hosts"].length, new Set(bought.map((e) => e.host)).size);
    assert.deepEqual(pairs(answers["purchases-per-host"], "host", "num_purchases"), countBy(bought, (e) => String(e.host)));
    assert.deepEqual(pairs(answers["money-spent-per-host"], "host", "money_spent"), countBy(bought, (e) => String(e.host), (e) => e.cost ?? 0));
    assert.deepEqual(pairs(answers["purchases-per-item"], "type", "num_purchases"), countBy(bought, (e) => String(e.type)));
    assert.deepEqual(answers["guild-events"], [{ num_events: guildEvents.length }]);
    const accepted = guildEvents.filter((e) => e.guild_member_cnt != null);
    assert.deepEqual(answers["guild-events-accepted"], [{ num_events: accepted.length }]);
    assert.equal(answers["current-guild-members"].length, new Set(accepted.map((e) => e.guild_name)).size);
    for (const [name, type] of [["guild-joins-per-host", "join_guild"], ["guild-leaves-per-host", "leave_guild"]] as const) {
      const distinct = countBy(
        [...new Map(accepted.filter((e) => e.event_type === type).map((e) => [`${e.host}/${e.guild_name}`, e])).values()],
        (e) => String(e.host),
      );
      assert.deepEqual(pairs(answers[name], "host", "num_times"), distinct, name);
    }
  });
});
