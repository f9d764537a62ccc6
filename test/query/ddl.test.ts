import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { field, tableByName, TABLES, type TableDef } from "../../src/events";
import { duckdbCreateView, sqlType, trinoCreateSchema, trinoCreateTable, trinoSyncPartitions } from "../../src/query";

const purchases = tableByName("purchases")!;
const where = { catalog: "hive", schema: "default" };

describe("DDL from the contract", () => {
  it("maps contract types to Trino and DuckDB types", () => {
    assert.deepEqual(
      (["string", "int32", "int64", "timestamp"] as const).map((t) => sqlType(t, "trino")),
      ["varchar", "integer", "bigint", "timestamp(3)"],
    );
    assert.deepEqual(
      (["string", "int32", "int64", "timestamp"] as const).map((t) => sqlType(t, "duckdb")),
      ["VARCHAR", "INTEGER", "BIGINT", "TIMESTAMP"],
    );
  });

  it("creates an external partitioned Parquet table on Trino with every contract column and dt last", () => {
    const sql = trinoCreateTable(purchases, "hdfs://nn:9000/warehouse/purchases", where);
    assert.match(sql, /^CREATE TABLE IF NOT EXISTS "hive"\."default"\."purchases" \(/);
    assert.match(sql, /WITH \(external_location = 'hdfs:\/\/nn:9000\/warehouse\/purchases', format = 'PARQUET', partitioned_by = ARRAY\['dt'\]\)$/);
    const columns = [...sql.matchAll(/^ {2}"(\w+)" (\S+?),?$/gm)].map((m) => [m[1], m[2]]);
    assert.deepEqual(columns, [...purchases.columns.map((c) => [c.name, sqlType(c.type, "trino")]), ["dt", "varchar"]]);
    assert.ok(columns.some(([name, type]) => name === "cost" && type === "bigint"));
    assert.ok(columns.some(([name, type]) => name === "timestamp" && type === "timestamp(3)"));
  });

  it("escapes quotes in names and locations", () => {
    const odd: TableDef = { ...purchases, name: 'we"ird' };
    const sql = trinoCreateTable(odd, "hdfs://x/it's", where);
    assert.ok(sql.includes('"we""ird"'));
    assert.ok(sql.includes("'hdfs://x/it''s'"));
  });

  it("creates the schema and syncs partitions in ADD mode, idempotently", () => {
    assert.equal(trinoCreateSchema(where), 'CREATE SCHEMA IF NOT EXISTS "hive"."default"');
    assert.equal(
      trinoSyncPartitions(purchases, where),
      `CALL "hive".system.sync_partition_metadata(schema_name => 'default', table_name => 'purchases', mode => 'ADD')`,
    );
  });

  it("creates a DuckDB view over the files with hive partitioning and union_by_name", () => {
    const sql = duckdbCreateView(purchases, "/w/purchases", true);
    assert.match(sql, /^CREATE OR REPLACE VIEW "purchases" AS/);
    assert.ok(sql.includes("read_parquet('/w/purchases/dt=*/[!._]*.parquet', hive_partitioning = true, union_by_name = true"));
    assert.ok(sql.includes('CAST("cost" AS BIGINT) AS "cost"'));
    assert.ok(sql.includes("UNION ALL BY NAME"));
  });

  it("creates an empty typed DuckDB view when the table has no files", () => {
    const sql = duckdbCreateView(purchases, "/w/purchases", false);
    assert.ok(!sql.includes("read_parquet"));
    assert.ok(sql.includes('CAST(NULL AS BIGINT) AS "cost"'));
    assert.ok(sql.endsWith("WHERE false"));
  });

  it("adds a column for a new optional contract field without other changes", () => {
    const evolved: TableDef = { ...purchases, columns: [...purchases.columns, { name: "discount", type: "int64", nullable: true, doc: "" }] };
    const before = trinoCreateTable(purchases, "hdfs://x/p", where).split("\n");
    const after = trinoCreateTable(evolved, "hdfs://x/p", where).split("\n");
    const added = after.filter((line) => !before.includes(line));
    assert.deepEqual(added, ['  "discount" bigint,']);
    assert.equal(field("discount", "int64", "").required, false);
  });

  it("generates DDL for every table", () => {
    for (const table of TABLES) {
      assert.ok(trinoCreateTable(table, "hdfs://x/" + table.name, where).includes(`"${table.name}"`));
      assert.ok(duckdbCreateView(table, "/w/" + table.name, true).includes(`"${table.name}"`));
    }
  });
});
