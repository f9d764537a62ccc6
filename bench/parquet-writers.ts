/**
 * Parquet writers compared on 1,000,000 rows of the `events` table schema (the sink's widest
 * table): throughput, CPU, peak RSS, file size, and a correctness check by reading each file
 * back with DuckDB (row count, physical/logical types, NULLs kept).
 * Each writer runs in its own child process so its peak RSS is its own.
 *
 *   node dist/bench/parquet-writers.js [rows] [writer...]
 */
import { DuckDBInstance } from "@duckdb/node-api";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { loadConfig } from "../src/config";
import { TABLES, toWire, type TableDef } from "../src/events";
import { DuckdbParquetWriter } from "../src/sink/parquet/duckdb-writer";
import { routeRecord, rowFor, type Row } from "../src/sink/route";
import { sampleEvent } from "../test/sink/fixtures";

const EVENTS = TABLES[0];
const POOL = 10_000;
const CHUNK = 100_000;

/** A pool of distinct events-table rows, cycled with fresh offsets (keeps the generator out of the RSS). */
function rowPool(): Row[] {
  const rows: Row[] = [];
  for (let i = 0; i < POOL; i++) {
    const e = sampleEvent(i, 42);
    const value = Buffer.from(toWire(e));
    const routed = routeRecord({ topic: "events", partition: 0, offset: i, key: null, value, timestamp: e.timestamp }, { maxMessageBytes: 65536, ingestedAt: e.timestamp + 5 });
    rows.push(rowFor(EVENTS, routed));
  }
  return rows;
}

function* rows(n: number, pool: Row[]): Generator<Row> {
  for (let i = 0; i < n; i++) {
    const row = pool[i % POOL];
    row.kafka_offset = i;
    yield row;
  }
}

type Writer = (file: string, n: number, pool: Row[]) => Promise<void>;

const duckdb = (compression: "zstd" | "snappy"): Writer => async (file, n, pool) => {
  const dir = path.dirname(file);
  const writer = await DuckdbParquetWriter.open([EVENTS], { tmpDir: dir, compression, memoryLimit: loadConfig({}).sink.writerMemory });
  for (const row of rows(n, pool)) {
    const { raw_event, ...rest } = row;
    writer.add({ tables: [EVENTS], dt: "2026-11-27", row: rest, raw: raw_event as string, valuesFromRaw: true, canonical: false });
  }
  const [written] = await writer.write(writer.seal(), dir, () => "out.parquet");
  fs.renameSync(written.localPath, file);
  await writer.close();
};

const hyparquet: Writer = async (file, n, pool) => {
  const { ParquetWriter, fileWriter } = await import("hyparquet-writer");
  const basic = { string: "STRING", int32: "INT32", int64: "INT64", timestamp: "TIMESTAMP" } as const;
  const schema = [
    { name: "root", num_children: EVENTS.columns.length },
    ...EVENTS.columns.map((c) => ({
      name: c.name,
      repetition_type: "OPTIONAL" as const,
      ...(c.type === "string" ? { type: "BYTE_ARRAY" as const, converted_type: "UTF8" as const }
        : c.type === "int32" ? { type: "INT32" as const }
        : c.type === "int64" ? { type: "INT64" as const }
        : { type: "INT64" as const, converted_type: "TIMESTAMP_MILLIS" as const }),
    })),
  ];
  void basic;
  const writer = new ParquetWriter({ writer: fileWriter(file), schema, codec: "SNAPPY" });
  const it = rows(n, pool);
  for (let done = 0; done < n; done += CHUNK) {
    const size = Math.min(CHUNK, n - done);
    const cols = EVENTS.columns.map(() => new Array<unknown>(size));
    for (let r = 0; r < size; r++) {
      const row = it.next().value as Row;
      EVENTS.columns.forEach((c, i) => {
        const v = row[c.name];
        cols[i][r] = v === null ? null : c.type === "int64" || c.type === "timestamp" ? BigInt(v) : v;
      });
    }
    await writer.write({ columnData: EVENTS.columns.map((c, i) => ({ name: c.name, data: cols[i] })), rowGroupSize: CHUNK });
  }
  await writer.finish();
};

/** The slice of the `parquetjs-lite` package's API this benchmark uses (it ships no types). */
interface ParquetjsLite {
  ParquetSchema: new (fields: Record<string, { type: string; optional: boolean; compression: string }>) => object;
  ParquetWriter: {
    openFile(schema: object, file: string): Promise<{ setRowGroupSize(n: number): void; appendRow(row: object): Promise<void>; close(): Promise<void> }>;
  };
}

const parquetjsLite: Writer = async (file, n, pool) => {
  const parquet = require("parquetjs-lite") as ParquetjsLite;
  const type = { string: "UTF8", int32: "INT32", int64: "INT64", timestamp: "TIMESTAMP_MILLIS" } as const;
  const schema = new parquet.ParquetSchema(
    Object.fromEntries(EVENTS.columns.map((c) => [c.name, { type: type[c.type], optional: true, compression: "SNAPPY" }])),
  );
  const writer = await parquet.ParquetWriter.openFile(schema, file);
  writer.setRowGroupSize(CHUNK);
  for (const row of rows(n, pool)) {
    const out: Record<string, unknown> = {};
    for (const c of EVENTS.columns) {
      const v = row[c.name];
      if (v !== null) out[c.name] = c.type === "timestamp" ? new Date(v) : v;
    }
    await writer.appendRow(out);
  }
  await writer.close();
};

const WRITERS: Record<string, Writer> = {
  "duckdb-zstd": duckdb("zstd"),
  "duckdb-snappy": duckdb("snappy"),
  "hyparquet-writer": hyparquet,
  "parquetjs-lite": parquetjsLite,
};

interface Measured {
  writer: string;
  rows: number;
  seconds: number;
  rowsPerSec: number;
  cpuSeconds: number;
  peakRssMb: number;
  fileMb: number;
  check: string;
}

/** Reads the file back with DuckDB and reports anything wrong (empty string = correct). */
async function check(file: string, n: number, pool: Row[], table: TableDef): Promise<string> {
  const db = await DuckDBInstance.create(":memory:");
  const con = await db.connect();
  const problems: string[] = [];
  const q = async (sql: string) => (await con.runAndReadAll(sql)).getRowObjectsJson();
  const src = `read_parquet('${file}')`;
  const [count] = await q(`SELECT count(*) AS n, count(cost) AS costs, count(DISTINCT kafka_offset) AS offsets FROM ${src}`);
  if (Number(count.n) !== n) problems.push(`rows ${Number(count.n)} != ${n}`);
  if (Number(count.offsets) !== n) problems.push(`distinct offsets ${Number(count.offsets)} != ${n}`);
  let costs = 0;
  for (let i = 0; i < n; i++) if (pool[i % POOL].cost !== null) costs++;
  if (Number(count.costs) !== costs) problems.push(`non-null costs ${Number(count.costs)} != ${costs} (NULLs not kept)`);
  const schema = await q(`SELECT name, type, logical_type, converted_type FROM parquet_schema('${file}')`);
  for (const c of table.columns) {
    const s = schema.find((r) => r.name === c.name);
    const text = JSON.stringify(s);
    if (!s) problems.push(`${c.name} missing`);
    else if (c.type === "int64" && s.type !== "INT64") problems.push(`${c.name}: ${text}`);
    else if (c.type === "timestamp" && (s.type !== "INT64" || /NanoSeconds/i.test(text) || !/TIMESTAMP/i.test(text))) problems.push(`${c.name}: ${text}`);
  }
  const [sample] = await q(`SELECT typeof(min(timestamp)) AS t, min(timestamp)::VARCHAR AS first FROM ${src}`);
  const expected = new Date(Math.min(...pool.map((r) => r.timestamp as number))).toISOString().replace("T", " ").slice(0, 19);
  const first = sample.first as string; // ::VARCHAR
  if (!first.startsWith(expected)) problems.push(`timestamp ${first} != ${expected}`);
  con.closeSync();
  db.closeSync();
  return problems.join("; ") || `ok (timestamp read as ${sample.t as string})`;
}

async function child(name: string, n: number): Promise<void> {
  const pool = rowPool();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `pqbench-${name}-`));
  const file = path.join(dir, "events.parquet");
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await WRITERS[name](file, n, pool);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const result: Measured = {
    writer: name,
    rows: n,
    seconds,
    rowsPerSec: Math.round(n / seconds),
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    fileMb: fs.statSync(file).size / 1e6,
    check: await check(file, n, pool, EVENTS),
  };
  fs.rmSync(dir, { recursive: true, force: true });
  process.stdout.write(JSON.stringify(result) + "\n");
}

/** Runs every writer (each in a child process) and prints a Markdown table. */
export async function run(args: string[]): Promise<void> {
  const { positionals } = parseArgs({ args, options: {}, allowPositionals: true });
  const n = Number(positionals[0] ?? 1_000_000);
  const names = positionals.length > 1 ? positionals.slice(1) : Object.keys(WRITERS);
  const results: Measured[] = [];
  for (const name of names) {
    const proc = spawnSync(process.execPath, [__filename, "--child", name, String(n)], { encoding: "utf8", maxBuffer: 1 << 24 });
    const line = proc.stdout.trim().split("\n").pop() ?? "";
    if (proc.status !== 0 || !line.startsWith("{")) {
      process.stderr.write(`${name} failed: ${proc.stderr.slice(-2000)}\n`);
      continue;
    }
    results.push(JSON.parse(line) as Measured);
    process.stderr.write(`${line}\n`);
  }
  process.stdout.write(`\n| writer | rows/s | s | CPU s | peak RSS MB | file MB | read back with DuckDB |\n|---|---|---|---|---|---|---|\n`);
  for (const r of results) {
    process.stdout.write(`| ${r.writer} | ${r.rowsPerSec.toLocaleString("en-US")} | ${r.seconds.toFixed(2)} | ${r.cpuSeconds.toFixed(2)} | ${r.peakRssMb} | ${r.fileMb.toFixed(1)} | ${r.check} |\n`);
  }

}

if (require.main === module) {
  // `--child WRITER ROWS`: one writer measured in its own process (spawned by run()).
  const { values, positionals } = parseArgs({ options: { child: { type: "string" } }, allowPositionals: true });
  const task = values.child !== undefined ? child(values.child, Number(positionals[0])) : run(positionals);
  task.catch((error) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
