/**
 * Rows bound for a staging table, gathered column by column and appended to DuckDB one data chunk
 * (a vector of 2048 rows) at a time. Fixed-width columns are typed arrays copied into their vectors
 * in one native call each; only the text costs a native call per row (the appender's row API cost
 * six). node-api's setColumnValues set each value through a wrapper and wrote it in a second pass,
 * which cost about as much again as the native calls (~0.5 us per row for text and numbers).
 */
import { BOOLEAN, DOUBLE, DuckDBDataChunk, INTEGER, VARCHAR, type DuckDBAppender } from "@duckdb/node-api";
import duckdb from "@duckdb/node-bindings";

/** Rows per data chunk: DuckDB's vector size. */
export const CHUNK_ROWS = 2048;

export class StageRows {
  /** Rows gathered since the last append. */
  size = 0;
  readonly texts = new Array<string>(CHUNK_ROWS).fill("");
  /** BOOLEAN columns: one byte per value, 0 or 1. */
  readonly json = new Uint8Array(CHUNK_ROWS);
  readonly raw = new Uint8Array(CHUNK_ROWS);
  readonly masks = new Int32Array(CHUNK_ROWS);
  readonly dts = new Int32Array(CHUNK_ROWS);
  /** One array per number column of the stage, in stage order. */
  readonly numbers: Float64Array[];
  private readonly chunk: DuckDBDataChunk;

  constructor(numberColumns: number) {
    this.numbers = Array.from({ length: numberColumns }, () => new Float64Array(CHUNK_ROWS));
    this.chunk = DuckDBDataChunk.create([VARCHAR, BOOLEAN, BOOLEAN, INTEGER, INTEGER, ...this.numbers.map(() => DOUBLE)]);
  }

  get full(): boolean {
    return this.size === CHUNK_ROWS;
  }

  /** Appends the gathered rows (the stage's column order: __text, __json, __raw, __mask, __dt, numbers). */
  appendTo(appender: DuckDBAppender): void {
    const n = this.size;
    if (n === 0) return;
    this.chunk.reset();
    this.chunk.rowCount = n;
    const texts = duckdb.data_chunk_get_vector(this.chunk.chunk, 0);
    for (let r = 0; r < n; r++) duckdb.vector_assign_string_element(texts, r, this.texts[r]);
    const fixed = [this.json, this.raw, this.masks, this.dts, ...this.numbers];
    // No value is NULL (NULL numbers are NaN, see schema.ts): the vectors' validity stays all-valid.
    for (let c = 0; c < fixed.length; c++) {
      const values = fixed[c];
      duckdb.copy_data_to_vector(duckdb.data_chunk_get_vector(this.chunk.chunk, 1 + c), 0, values.buffer as ArrayBuffer, values.byteOffset, n * values.BYTES_PER_ELEMENT);
    }
    appender.appendDataChunk(this.chunk);
    this.size = 0;
  }

  /** Forgets the gathered rows. */
  clear(): void {
    this.size = 0;
  }
}
