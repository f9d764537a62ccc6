/**
 * Rows bound for a staging table, gathered column by column and appended to DuckDB one data chunk
 * (a vector of 2048 rows) at a time. Numbers are copied as whole vectors; only the packed text
 * costs a native call per row (the appender's row API cost six).
 */
import { BOOLEAN, DOUBLE, DuckDBDataChunk, INTEGER, VARCHAR, type DuckDBAppender } from "@duckdb/node-api";

/** Rows per data chunk: DuckDB's vector size. */
export const CHUNK_ROWS = 2048;

export class StageRows {
  /** Rows gathered since the last append. */
  size = 0;
  readonly texts: string[] = new Array(CHUNK_ROWS).fill("");
  readonly json: boolean[] = new Array(CHUNK_ROWS).fill(false);
  readonly raw: boolean[] = new Array(CHUNK_ROWS).fill(false);
  readonly masks: number[] = new Array(CHUNK_ROWS).fill(0);
  readonly dts: number[] = new Array(CHUNK_ROWS).fill(0);
  /** One array per number column of the stage, in stage order. */
  readonly numbers: number[][];
  private readonly chunk: DuckDBDataChunk;

  constructor(numberColumns: number) {
    this.numbers = Array.from({ length: numberColumns }, () => new Array(CHUNK_ROWS).fill(0));
    this.chunk = DuckDBDataChunk.create([VARCHAR, BOOLEAN, BOOLEAN, INTEGER, INTEGER, ...this.numbers.map(() => DOUBLE)]);
  }

  get full(): boolean {
    return this.size === CHUNK_ROWS;
  }

  /** Appends the gathered rows (the stage's column order: __text, __json, __raw, __mask, __dt, numbers). */
  appendTo(appender: DuckDBAppender): void {
    const n = this.size;
    if (n === 0) return;
    const cut = <T>(values: T[]) => (n === CHUNK_ROWS ? values : values.slice(0, n));
    this.chunk.reset();
    this.chunk.rowCount = n;
    this.chunk.setColumnValues(0, cut(this.texts));
    this.chunk.setColumnValues(1, cut(this.json));
    this.chunk.setColumnValues(2, cut(this.raw));
    this.chunk.setColumnValues(3, cut(this.masks));
    this.chunk.setColumnValues(4, cut(this.dts));
    for (let c = 0; c < this.numbers.length; c++) this.chunk.setColumnValues(5 + c, cut(this.numbers[c]));
    appender.appendDataChunk(this.chunk);
    this.size = 0;
  }

  /** Forgets the gathered rows. */
  clear(): void {
    this.size = 0;
  }
}
