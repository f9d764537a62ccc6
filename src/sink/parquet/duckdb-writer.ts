/**
 * Builds Parquet files with DuckDB. Records are appended into an in-memory staging table and
 * each (table, source partition, dt) group is written with COPY ... TO (FORMAT parquet).
 * Chosen over the pure-JS writers after bench/parquet-writers.ts (see bench/RESULTS.md).
 *
 * Two staging tables alternate: `seal()` switches appends to the other one, so the JS thread
 * keeps parsing the next batch while DuckDB's own threads encode and compress the sealed one.
 */
import { DuckDBInstance, type DuckDBAppender, type DuckDBConnection } from "@duckdb/node-api";
import * as fs from "node:fs";
import * as path from "node:path";
import type { TableDef } from "../../events";
import { StorageError } from "../../errors";
import type { RoutedRecord } from "../route";
import { ident, literal, stageDdl, tableSelect } from "./schema";

export type Compression = "zstd" | "snappy";

export interface ParquetWriterOptions {
  /** Local folder for DuckDB's spill files. */
  tmpDir: string;
  compression?: Compression;
  /** DuckDB memory limit, e.g. "256MB"; staged rows past it spill to tmpDir. */
  memoryLimit?: string;
  threads?: number;
}

/** One Parquet file written locally, ready to upload. */
export interface LocalFile {
  table: TableDef;
  dt: string;
  partition: number;
  rows: number;
  localPath: string;
}

/** A staging table whose records were sealed for writing; appends go to the other one. */
export interface SealedStage {
  readonly name: string;
  readonly records: number;
}

/** Lone UTF-16 surrogates (JSON.stringify escapes them as \udXXX) are not valid UTF-8 text: replace them. */
function canonicalJson(row: Record<string, unknown>): string {
  const json = JSON.stringify(row);
  if (!json.includes("\\ud")) return json;
  const clean: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) clean[k] = typeof v === "string" ? (v as unknown as { toWellFormed(): string }).toWellFormed() : v;
  return JSON.stringify(clean);
}

interface Stage {
  name: string;
  appender: DuckDBAppender | null;
  records: number;
}

export class DuckdbParquetWriter {
  private readonly bits = new Map<string, number>();
  private active: Stage;
  private sealed: Stage | null = null;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly appendCon: DuckDBConnection,
    private readonly copyCon: DuckDBConnection,
    private readonly tables: readonly TableDef[],
    private readonly stages: [Stage, Stage],
    private readonly compression: Compression,
  ) {
    tables.forEach((t, i) => this.bits.set(t.name, 1 << i));
    this.active = stages[0];
  }

  /** Opens an in-memory DuckDB with two staging tables for the union of `tables`' columns. */
  static async open(tables: readonly TableDef[], options: ParquetWriterOptions): Promise<DuckdbParquetWriter> {
    fs.mkdirSync(options.tmpDir, { recursive: true });
    const instance = await DuckDBInstance.create(":memory:", {
      memory_limit: options.memoryLimit ?? "192MB",
      temp_directory: path.join(options.tmpDir, "duckdb-spill"),
      threads: String(options.threads ?? 2),
    });
    const appendCon = await instance.connect();
    const copyCon = await instance.connect();
    const stages: [Stage, Stage] = [{ name: "stage_a", appender: null, records: 0 }, { name: "stage_b", appender: null, records: 0 }];
    for (const s of stages) {
      await appendCon.run(stageDdl(s.name));
      s.appender = await appendCon.createAppender(s.name);
    }
    return new DuckdbParquetWriter(instance, appendCon, copyCon, tables, stages, options.compression ?? "zstd");
  }

  /** Records staged in the active stage. */
  get staged(): number {
    return this.active.records;
  }

  /** Stages one routed record (synchronous: DuckDB's appender buffers it). */
  add(routed: RoutedRecord): void {
    const appender = this.active.appender!;
    let mask = 0;
    for (const t of routed.tables) mask |= this.bits.get(t.name) ?? 0;
    appender.appendVarchar(canonicalJson(routed.row));
    appender.appendVarchar(routed.raw);
    appender.appendInteger(routed.row.kafka_partition as number);
    appender.appendInteger(mask);
    appender.appendVarchar(routed.dt);
    appender.endRow();
    this.active.records++;
  }

  /** Switches appends to the other stage and returns the sealed one. Only one stage may be sealed at a time. */
  seal(): SealedStage {
    if (this.sealed) throw new StorageError("a sealed batch is still being written");
    const stage = this.active;
    stage.appender!.closeSync(); // flushes buffered rows into the table
    stage.appender = null;
    this.sealed = stage;
    this.active = this.stages[0] === stage ? this.stages[1] : this.stages[0];
    return { name: stage.name, records: stage.records };
  }

  /**
   * Writes the sealed stage: one file per (table, partition, dt) at `<dir>/<table>/dt=<dt>/<name(partition)>`,
   * then empties it.
   */
  async write(sealed: SealedStage, dir: string, name: (partition: number) => string): Promise<LocalFile[]> {
    const stage = this.sealed;
    if (!stage || stage.name !== sealed.name) throw new StorageError(`stage ${sealed.name} is not sealed`);
    try {
      const files: LocalFile[] = [];
      const groups = await this.copyCon.runAndReadAll(
        `SELECT __mask, kafka_partition, __dt, count(*)::INTEGER FROM ${ident(stage.name)} GROUP BY ALL`,
      );
      const counts = new Map<string, number>();
      for (const [mask, partition, dt, rows] of groups.getRows() as [number, number, string, number][]) {
        for (const table of this.tables) {
          if ((mask & this.bits.get(table.name)!) === 0) continue;
          const key = `${table.name}\u0000${partition}\u0000${dt}`;
          counts.set(key, (counts.get(key) ?? 0) + rows);
        }
      }
      for (const [key, rows] of [...counts].sort()) {
        const [tableName, p, dt] = key.split("\u0000");
        const table = this.tables.find((t) => t.name === tableName)!;
        const partition = Number(p);
        const localPath = path.join(dir, table.name, `dt=${dt}`, name(partition));
        fs.mkdirSync(path.dirname(localPath), { recursive: true });
        const where = `(__mask & ${this.bits.get(table.name)}) <> 0 AND kafka_partition = ${partition} AND __dt = ${literal(dt)}`;
        await this.copy(tableSelect(table, stage.name, where), localPath);
        files.push({ table, dt, partition, rows, localPath });
      }
      return files;
    } finally {
      await this.release(stage);
    }
  }

  /** Drops every staged record (the batch will be read again from the log). */
  async discard(): Promise<void> {
    if (this.sealed) await this.release(this.sealed);
    const stage = this.active;
    stage.appender!.closeSync();
    await this.appendCon.run(`TRUNCATE ${ident(stage.name)}`);
    stage.appender = await this.appendCon.createAppender(stage.name);
    stage.records = 0;
  }

  /** COPY options shared by the sink and compaction. */
  copyOptions(): string {
    return `FORMAT parquet, COMPRESSION ${this.compression}, ROW_GROUP_SIZE 100000`;
  }

  /** Writes the result of `select` to a local Parquet file. */
  async copy(select: string, localPath: string): Promise<void> {
    try {
      await this.copyCon.run(`COPY (${select}) TO ${literal(localPath)} (${this.copyOptions()})`);
    } catch (error) {
      throw new StorageError(`cannot write Parquet file ${localPath}`, localPath, { cause: error, retriable: false });
    }
  }

  async close(): Promise<void> {
    for (const s of this.stages) s.appender?.closeSync();
    this.appendCon.closeSync();
    this.copyCon.closeSync();
    this.instance.closeSync();
  }

  private async release(stage: Stage): Promise<void> {
    await this.copyCon.run(`TRUNCATE ${ident(stage.name)}`);
    stage.appender = await this.appendCon.createAppender(stage.name);
    stage.records = 0;
    this.sealed = null;
  }
}
