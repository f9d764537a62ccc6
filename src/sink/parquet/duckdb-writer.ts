/**
 * Builds Parquet files with DuckDB. Records are appended into an in-memory staging table and
 * each (table, source partition, dt) group is written with COPY ... TO (FORMAT parquet).
 * Chosen over the pure-JS writers after bench/parquet-writers.ts (see bench/RESULTS.md).
 *
 * Three staging tables rotate: `seal()` switches appends to a free one, so the JS thread keeps
 * routing the next batch while DuckDB encodes and compresses up to two sealed ones. COPYs run on a
 * small pool of connections, each on the libuv thread that runs its query: a batch's largest COPY
 * (the events table) runs on one thread, so a single batch could not keep both cores busy; two
 * batches written at once can (the sink loop still commits them in order).
 *
 * A canonical event (sink/canonical.ts) is staged as its raw text and its fields are extracted by
 * the COPY (extract.ts); any other record as its routed values, packed (schema.ts).
 */
import type { DuckDBAppender, DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import * as fs from "node:fs";
import * as path from "node:path";
import type { TableDef } from "../../events";
import { StorageError } from "../../errors";
import { Pool } from "../../pool";
import { filePath } from "../../storage/layout";
import type { RoutedRecord } from "../route";
import { canonicalSelect } from "./extract";
import { canPackPlain, ident, literal, packJson, packPlain, RAW_COLUMN, stageDdl, stageLayout, tableSelect, type StageLayout } from "./schema";
import type { StageRows } from "./stage-rows";

export type Compression = "zstd" | "snappy";

export interface ParquetWriterOptions {
  /** Local folder for DuckDB's spill files. */
  tmpDir: string;
  compression: Compression;
  /** DuckDB memory limit, e.g. "256MB"; staged rows past it spill to tmpDir. */
  memoryLimit: string;
  /**
   * DuckDB worker threads (default 1): each COPY runs on the thread that runs its query. With 2,
   * that thread spun waiting for the worker and the COPYs cost ~2x the CPU (measured with
   * 100,000-row row groups, one per COPY).
   */
  threads?: number;
  /**
   * COPYs that run at once, of one batch or two (default 2). Each runs on a libuv thread of its
   * own, so two use both cores without DuckDB's worker threads.
   */
  copyConnections?: number;
}

/** One Parquet file written locally, ready to upload. */
export interface LocalFile {
  table: TableDef;
  dt: string;
  partition: number;
  rows: number;
  localPath: string;
}

/** A staging table whose records were sealed for writing; appends go to another one. */
export interface SealedStage {
  readonly name: string;
  readonly records: number;
}

interface Stage {
  name: string;
  appender: DuckDBAppender | null;
  records: number;
}

export class DuckdbParquetWriter {
  private readonly bits = new Map<string, number>();
  private readonly masks = new Map<readonly TableDef[], number>();
  private active: Stage;
  /** Sealed stages, oldest first. */
  private readonly sealed: Stage[] = [];
  /** Copy connections: each runs one query at a time. */
  private readonly pool: Pool<DuckDBConnection>;
  private readonly rows: StageRows;
  /** dt values by their index in the stage's __dt column. */
  private readonly dts: string[] = [];
  private readonly dtIndex = new Map<string, number>();
  private readonly strings: (string | null)[];
  /** Where a canonical record's numbers go: its row's only columns (route.ts). */
  private readonly canonicalNumbers: { partition: number; offset: number; timestamp: number; ingestedAt: number };

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly appendCon: DuckDBConnection,
    /** Connections that write files, lent out by `pool` one query at a time. */
    private readonly copyCons: readonly DuckDBConnection[],
    private readonly tables: readonly TableDef[],
    private readonly layout: StageLayout,
    private readonly stages: readonly Stage[],
    private readonly compression: Compression,
    rows: StageRows,
  ) {
    this.pool = new Pool(copyCons);
    tables.forEach((t, i) => this.bits.set(t.name, 1 << i));
    this.active = stages[0];
    this.rows = rows;
    const at = (column: string) => layout.numbers.indexOf(column); // -1: no table has it
    this.canonicalNumbers = { partition: at("kafka_partition"), offset: at("kafka_offset"), timestamp: at("timestamp"), ingestedAt: at("ingested_at") };
    this.strings = new Array<string | null>(layout.strings.length).fill(null);
  }

  /**
   * Opens an in-memory DuckDB with three staging tables for the union of `tables`' columns. DuckDB
   * is loaded here, on first use, not when this module is: a process that writes nothing (a batch
   * run over an empty increment, a Trino-only tool) does not pay its ~0.15 CPU-s of loading.
   */
  static async open(tables: readonly TableDef[], options: ParquetWriterOptions): Promise<DuckdbParquetWriter> {
    const [{ DuckDBInstance }, { StageRows }] = await Promise.all([import("@duckdb/node-api"), import("./stage-rows.js")]);
    fs.mkdirSync(options.tmpDir, { recursive: true });
    const instance = await DuckDBInstance.create(":memory:", {
      memory_limit: options.memoryLimit,
      temp_directory: path.join(options.tmpDir, "duckdb-spill"),
      threads: String(options.threads ?? 1),
      // DuckDB kept each batch's freed COPY and stage memory (default threshold 512 MB): returning it
      // after every bulk free cut the sink's peak RSS by ~100 MB. With 100,000-row row groups and
      // 8 MB the memory went back and was faulted in again ~750k times per million events (~2 s of
      // kernel CPU); with 8,192-row groups (copyOptions), 12 MB keeps the peak RSS ~30-40 MB lower
      // than 16,384-row groups and 16 MB, for ~5-10% of the speed (bench/RESULTS.md, sink).
      allocator_bulk_deallocation_flush_threshold: "12MB",
    });
    const layout = stageLayout(tables);
    if (!layout.numbers.includes("kafka_partition")) throw new StorageError("every table needs a kafka_partition column");
    const appendCon = await instance.connect();
    const copyCons = await Promise.all(Array.from({ length: options.copyConnections ?? 2 }, () => instance.connect()));
    const stages: Stage[] = ["stage_a", "stage_b", "stage_c"].map((name) => ({ name, appender: null, records: 0 }));
    for (const s of stages) {
      await appendCon.run(stageDdl(s.name, layout));
      s.appender = await appendCon.createAppender(s.name);
    }
    return new DuckdbParquetWriter(instance, appendCon, copyCons, tables, layout, stages, options.compression, new StageRows(layout.numbers.length));
  }

  /** Records staged in the active stage. */
  get staged(): number {
    return this.active.records;
  }

  /** Stages one routed record (synchronous: gathered here, appended to DuckDB a chunk at a time). */
  add(routed: RoutedRecord): void {
    const rows = this.rows;
    const i = rows.size++;
    rows.masks[i] = this.maskOf(routed);
    rows.dts[i] = this.dtNumber(routed.dt);
    if (routed.canonical) this.stageCanonical(routed, i);
    else this.stagePacked(routed, i);
    this.active.records++;
    if (rows.full) rows.appendTo(this.active.appender!);
  }

  /** The bits of the tables that take the record. Canonical records share a few constant table lists (route.ts): their masks are remembered. */
  private maskOf(routed: RoutedRecord): number {
    let mask = routed.canonical ? this.masks.get(routed.tables) : undefined;
    if (mask === undefined) {
      mask = 0;
      for (const t of routed.tables) mask |= this.bits.get(t.name) ?? 0;
      if (routed.canonical) this.masks.set(routed.tables, mask);
    }
    return mask;
  }

  /**
   * A canonical event: its raw text, whose fields DuckDB extracts when writing (extract.ts). Its
   * row holds only the lineage, timestamp and ingested_at (route.ts), read here by name: a keyed
   * read per number column, with varying names, was a megamorphic lookup each.
   */
  private stageCanonical(routed: RoutedRecord, i: number): void {
    const rows = this.rows;
    rows.texts[i] = routed.raw;
    rows.json[i] = 0;
    rows.raw[i] = 1;
    for (let n = 0; n < rows.numbers.length; n++) rows.numbers[n][i] = NaN;
    const { row } = routed;
    const at = this.canonicalNumbers;
    if (at.partition >= 0) rows.numbers[at.partition][i] = row.kafka_partition as number;
    if (at.offset >= 0) rows.numbers[at.offset][i] = row.kafka_offset as number;
    if (at.timestamp >= 0) rows.numbers[at.timestamp][i] = row.timestamp as number;
    if (at.ingestedAt >= 0) rows.numbers[at.ingestedAt][i] = row.ingested_at as number;
  }

  /** Any other record: its routed values, the strings packed into one text (schema.ts). */
  private stagePacked(routed: RoutedRecord, i: number): void {
    const { strings, numbers } = this.layout;
    const rows = this.rows;
    const values = this.strings;
    for (let s = 0; s < strings.length; s++) {
      const v = strings[s] === RAW_COLUMN ? routed.raw : routed.row[strings[s]];
      values[s] = typeof v === "string" ? v : null;
    }
    // A valid event's strings are substrings of its text when the text has no escapes, and a valid
    // JSON text holds no raw control characters: no separator can occur (a memchr instead of a regex).
    const plain = routed.valuesFromRaw ? !routed.raw.includes("\\") : canPackPlain(values);
    rows.texts[i] = plain ? packPlain(values) : packJson(values);
    rows.json[i] = plain ? 0 : 1;
    rows.raw[i] = 0;
    for (let n = 0; n < numbers.length; n++) {
      const v = routed.row[numbers[n]];
      // NaN stands for NULL: TRY_CAST makes it NULL again (schema.ts).
      rows.numbers[n][i] = typeof v === "number" ? v : NaN;
    }
  }

  /** Switches appends to a free stage and returns the sealed one. At most two stages may be sealed at a time. */
  seal(): SealedStage {
    if (this.sealed.length >= this.stages.length - 1) throw new StorageError("two sealed batches are still being written");
    const stage = this.active;
    this.rows.appendTo(stage.appender!);
    stage.appender!.closeSync(); // flushes appended chunks into the table
    stage.appender = null;
    this.sealed.push(stage);
    this.active = this.stages.find((s) => s !== stage && !this.sealed.includes(s))!;
    return { name: stage.name, records: stage.records };
  }

  /**
   * Writes the sealed stage: one file per (table, partition, dt) at `filePath(dir, table, dt, name(partition))`,
   * then empties it.
   */
  async write(sealed: SealedStage, dir: string, name: (partition: number) => string): Promise<LocalFile[]> {
    const stage = this.sealed.find((s) => s.name === sealed.name);
    if (!stage) throw new StorageError(`stage ${sealed.name} is not sealed`);
    try {
      const files: LocalFile[] = [];
      const groups = await this.pool.use((con) =>
        con.runAndReadAll(`SELECT __mask, kafka_partition, __dt, count(*)::INTEGER FROM ${ident(stage.name)} GROUP BY ALL`),
      );
      const counts = new Map<string, number>();
      for (const [mask, partition, dtNumber, rows] of groups.getRows() as [number, number, number, number][]) {
        const dt = this.dts[dtNumber];
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
        files.push({ table, dt, partition, rows, localPath: filePath(dir, table.name, dt, name(partition)) });
      }
      // Largest first, each COPY on the next free connection (a thread of its own).
      const queue = [...files].sort((a, b) => b.rows * b.table.columns.length - a.rows * a.table.columns.length);
      await Promise.all(
        queue.map(async (f) => {
          fs.mkdirSync(path.dirname(f.localPath), { recursive: true });
          const where = `(__mask & ${this.bits.get(f.table.name)}) <> 0 AND kafka_partition = ${f.partition} AND __dt = ${this.dtIndex.get(f.dt)}`;
          // Records routed with packed values, then canonical events whose fields DuckDB extracts.
          await this.copy(`${tableSelect(f.table, stage.name, where, this.layout)} UNION ALL ${canonicalSelect(f.table, stage.name, where)}`, f.localPath);
        }),
      );
      return files;
    } finally {
      await this.release(stage);
    }
  }

  /** Drops every staged record (the batch will be read again from the log). */
  async discard(): Promise<void> {
    for (const stage of [...this.sealed]) await this.release(stage);
    const stage = this.active;
    this.rows.clear();
    stage.appender!.closeSync();
    await this.appendCon.run(stageDdl(stage.name, this.layout));
    stage.appender = await this.appendCon.createAppender(stage.name);
    stage.records = 0;
  }

  /**
   * COPY options of the sink's files. Row groups of 8,192 rows: a COPY holds one row group's data
   * at a time; 100,000-row groups (a whole batch's events) made the sink slower and its peak memory
   * higher (bench/RESULTS.md). Compaction merges files into larger row groups.
   */
  copyOptions(): string {
    return `FORMAT parquet, COMPRESSION ${this.compression}, ROW_GROUP_SIZE 8192`;
  }

  /** Writes the result of `select` to a local Parquet file. */
  async copy(select: string, localPath: string): Promise<void> {
    try {
      await this.pool.use((con) => con.run(`COPY (${select}) TO ${literal(localPath)} (${this.copyOptions()})`));
    } catch (error) {
      throw new StorageError(`cannot write Parquet file ${localPath}`, localPath, { cause: error, retriable: false });
    }
  }

  async close(): Promise<void> {
    for (const s of this.stages) s.appender?.closeSync();
    this.appendCon.closeSync();
    for (const con of this.copyCons) con.closeSync();
    this.instance.closeSync();
  }

  private dtNumber(dt: string): number {
    let n = this.dtIndex.get(dt);
    if (n === undefined) {
      n = this.dts.push(dt) - 1;
      this.dtIndex.set(dt, n);
    }
    return n;
  }

  /**
   * Empties a stage by replacing the table: in an in-memory database TRUNCATE only marks rows
   * deleted, and their blocks stayed allocated (+30 MB per batch until the memory limit, then spilled).
   */
  private async release(stage: Stage): Promise<void> {
    await this.pool.use((con) => con.run(stageDdl(stage.name, this.layout)));
    stage.appender = await this.appendCon.createAppender(stage.name);
    stage.records = 0;
    this.sealed.splice(this.sealed.indexOf(stage), 1);
  }
}
