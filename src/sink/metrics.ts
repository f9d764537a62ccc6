/**
 * The streaming sink's counters, rendered as Prometheus text exposition format. Pure apart from
 * the counters it holds.
 */
export class SinkMetrics {
  records = 0;
  deadLetters = 0;
  /** Records dropped because an earlier record of the batch had the same idempotency key. */
  duplicates = 0;
  filesWritten = 0;
  bytesWritten = 0;
  batches = 0;
  /** Partition batches not committed because another worker owned the partition by then. */
  commitsFenced = 0;
  /** Times this worker's partitions changed (assigned, handed over or lost). */
  rebalances = 0;
  /** Partitions this worker owns now. */
  assigned: readonly number[] = [];
  readonly rowsByTable = new Map<string, number>();
  /** Per partition: log end offset minus the next offset to commit. */
  readonly lag = new Map<number, number>();
  lastCommitAt: number | null = null;
  readonly startedAt = Date.now();

  addRows(table: string, rows: number): void {
    this.rowsByTable.set(table, (this.rowsByTable.get(table) ?? 0) + rows);
  }

  totalLag(): number {
    let n = 0;
    for (const v of this.lag.values()) n += v;
    return n;
  }

  /** Prometheus text format (version 0.0.4). */
  prometheus(): string {
    const lines: string[] = [];
    const metric = (name: string, type: "counter" | "gauge", help: string, samples: [string, number][]) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [labels, value] of samples) lines.push(`${name}${labels} ${value}`);
    };
    metric("sink_records_total", "counter", "Log records read.", [["", this.records]]);
    metric("sink_dead_letters_total", "counter", "Records landed in dead_letters.", [["", this.deadLetters]]);
    metric("sink_duplicates_total", "counter", "Records dropped as copies of an earlier one with the same idempotency key.", [["", this.duplicates]]);
    metric("sink_files_written_total", "counter", "Parquet files committed.", [["", this.filesWritten]]);
    metric("sink_bytes_written_total", "counter", "Bytes of Parquet committed.", [["", this.bytesWritten]]);
    metric("sink_batches_total", "counter", "Batches committed.", [["", this.batches]]);
    metric("sink_commits_fenced_total", "counter", "Partition batches refused because another worker owned the partition by commit time.", [["", this.commitsFenced]]);
    metric("sink_rebalances_total", "counter", "Changes of this worker's partitions (assigned, handed over, lost).", [["", this.rebalances]]);
    metric("sink_assigned_partitions", "gauge", "Partitions this worker owns now.", [["", this.assigned.length]]);
    metric("sink_partition_assigned", "gauge", "1 for each partition this worker owns.", this.assigned.map((p) => [`{partition="${p}"}`, 1]));
    metric("sink_rows_total", "counter", "Rows committed, per table.", [...this.rowsByTable].map(([t, n]) => [`{table="${t}"}`, n]));
    metric("sink_lag_records", "gauge", "Records in the log not yet committed, per partition.", [...this.lag].map(([p, n]) => [`{partition="${p}"}`, n]));
    metric("sink_last_commit_timestamp_seconds", "gauge", "When the last batch was committed.", [["", (this.lastCommitAt ?? 0) / 1000]]);
    return lines.join("\n") + "\n";
  }

  /** A one-line summary for the periodic log. */
  summary(sinceMs: number, recordsBefore: number, now = Date.now()): Record<string, unknown> {
    const seconds = Math.max(0.001, (now - sinceMs) / 1000);
    return {
      eventsPerSec: Math.round((this.records - recordsBefore) / seconds),
      lag: this.totalLag(),
      files: this.filesWritten,
      deadLetters: this.deadLetters,
      duplicates: this.duplicates,
      records: this.records,
      partitions: this.assigned.join(","),
    };
  }
}
