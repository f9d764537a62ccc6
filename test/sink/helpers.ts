/**
 * Helpers for the sink's tests: a fresh data folder, a log pre-filled with known messages, and an
 * independent reader (DuckDB over the Parquet files, not the sink's own code).
 */
import { DuckDBInstance } from "@duckdb/node-api";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadConfig, type Config } from "../../src/config";
import { toWire } from "../../src/events";
import { silentLogger } from "../../src/logger";
import type { ParquetWriterOptions } from "../../src/sink/parquet/duckdb-writer";
import { parseDtFolder, tableDir, visibleFilesGlob, type Storage } from "../../src/storage";
import { createTransport } from "../../src/transport";
import { badMessages, sampleEvent } from "./fixtures";

export function tempDataDir(prefix = "sink-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Config for a test: everything under `dataDir`, metrics off, small rolls unless overridden. */
export function testConfig(dataDir: string, env: Record<string, string> = {}): Config {
  return loadConfig({ DATA_DIR: dataDir, SINK_METRICS_PORT: "0", LOG_LEVEL: "silent", SINK_MAX_MESSAGE_BYTES: "4096", ...env }, dataDir);
}

/** The Parquet writer's options as the sink's defaults set them, building under `tmpDir`. */
export function writerOptions(tmpDir: string): ParquetWriterOptions {
  const { compression, writerMemory } = loadConfig({}).sink;
  return { tmpDir, compression, memoryLimit: writerMemory };
}

export interface Filled {
  /** event_id of every valid event written. */
  valid: ReturnType<typeof sampleEvent>[];
  /** Number of bad messages written. */
  bad: number;
}

/**
 * Appends `count` sample events (seed `seed`, starting at index `from`) with the bad messages
 * mixed in every `badEvery` events, in batches.
 */
export async function fillLog(config: Config, count: number, options: { seed?: number; from?: number; badEvery?: number; partitions?: number; startMs?: number } = {}): Promise<Filled> {
  // The configured log: the embedded one in the fast tier, Kafka in the stack tier.
  const log = await createTransport(config.transport, silentLogger);
  await log.ensureTopic(config.transport.topic, { partitions: options.partitions ?? 1 });
  const producer = await log.producer();
  const valid = [];
  let bad = 0;
  let batch: { key: string; value: string | Buffer }[] = [];
  const from = options.from ?? 0;
  for (let i = from; i < from + count; i++) {
    const e = sampleEvent(i, options.seed ?? 1, options.startMs);
    valid.push(e);
    batch.push({ key: e.player_id, value: toWire(e) });
    if (options.badEvery && i % options.badEvery === 0) {
      for (const m of badMessages(`b${i}`, config.sink.maxMessageBytes)) {
        batch.push({ key: `bad${i}`, value: m.value });
        bad++;
      }
    }
    if (batch.length >= 500) {
      await producer.send(config.transport.topic, batch);
      batch = [];
    }
  }
  await producer.send(config.transport.topic, batch);
  await producer.close();
  await log.close();
  return { valid, bad };
}

/** Runs SQL with a throwaway DuckDB; rows as plain JSON objects. */
export async function duck(sql: string): Promise<Record<string, unknown>[]> {
  const db = await DuckDBInstance.create(":memory:");
  const con = await db.connect();
  try {
    return (await con.runAndReadAll(sql)).getRowObjectsJson();
  } finally {
    con.closeSync();
    db.closeSync();
  }
}

/** All rows of a table as an independent reader sees them (every committed file, hive partitions). */
export async function readTable(config: Config, table: string, columns = "*"): Promise<Record<string, unknown>[]> {
  const glob = visibleFilesGlob(tableDir(config.storage.warehouse, table));
  const dir = path.join(config.storage.warehouse, table);
  if (!fs.existsSync(dir) || !fs.readdirSync(dir).some((d) => parseDtFolder(d) !== null)) return [];
  return duck(`SELECT ${columns} FROM read_parquet('${glob}', hive_partitioning = true, union_by_name = true)`);
}

/**
 * Copies every table file a SQL engine would read (not the `_`/`.` folders and files) from `storage`
 * to a local folder, for the DuckDB reader. Lists the folders itself, not through the sink's code.
 */
export async function mirrorWarehouse(storage: Storage, dir: string): Promise<void> {
  fs.rmSync(dir, { recursive: true, force: true });
  const visible = (name: string) => !name.startsWith("_") && !name.startsWith(".");
  const copy = async (from: string): Promise<void> => {
    for (const entry of (await storage.list(from)).filter((e) => visible(e.name))) {
      if (entry.isDirectory) await copy(entry.path);
      else if (entry.name.endsWith(".parquet")) {
        const local = path.join(dir, path.relative(storage.root, entry.path));
        fs.mkdirSync(path.dirname(local), { recursive: true });
        fs.writeFileSync(local, await storage.readFile(entry.path));
      }
    }
  };
  await copy(storage.root);
}
