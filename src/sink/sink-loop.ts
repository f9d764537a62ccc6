/**
 * The consume -> stage -> roll -> commit loop. Records are routed and staged as they arrive; a
 * roll seals the stage and commits it while the next batch fills. At most two commits are in
 * flight: their Parquet files are built at the same time (one batch's largest COPY cannot use both
 * cores), but a batch reaches the storage only after the previous one is committed, so batches
 * commit strictly in order: only a partition's last batch can ever be half-committed.
 *
 * The loop writes only the partitions it owns (`assign`), each under an epoch that changes with
 * every assignment: a batch staged under an older epoch (the partition was handed over, or lost and
 * given back meanwhile) is never committed for it, whatever the group says at commit time.
 */
import { FencedError } from "../errors";
import type { Logger } from "../logger";
import type { LogRecord, OwnershipCheck } from "../transport";
import { commitBatch, type CommitContext, type CommitResult } from "./commit";
import type { DuckdbParquetWriter } from "./parquet/duckdb-writer";
import { BatchKeys } from "./dedup";
import type { Faults } from "./faults";
import type { GroupOffsets } from "./group-offsets";
import type { SinkMetrics } from "./metrics";
import type { OffsetRange } from "./naming";
import { addToBuffer, EMPTY_BUFFER, rollReason, type BufferState, type RollPolicy, type RollReason } from "./roll-policy";
import { DEAD_LETTER_ONLY, routeRecord, type RouteOptions } from "./route";

export interface LoopOptions {
  commit: Omit<CommitContext, "writer">;
  /**
   * The Parquet writer, once opened: the runner opens it when the loop is first given partitions
   * with records to read (a batch run over an empty increment never loads DuckDB). Until then
   * nothing is staged.
   */
  writer: () => DuckdbParquetWriter | null;
  topic: string;
  /** Where each commit's position is reported (lag monitoring only). */
  groupOffsets: GroupOffsets;
  policy: RollPolicy;
  maxMessageBytes: number;
  metrics: SinkMetrics;
  logger: Logger;
  faults: Faults;
  /** Committed position per partition (next offset to read), kept up to date by the loop. */
  positions: Map<number, number>;
  /** Called after each commit (registers new dt partitions); must not block: the next commit would wait. */
  onCommitted?: (result: CommitResult) => void;
  /** Called once when a commit fails for good; the caller should stop consuming. */
  onFailed?: (error: Error) => void;
}

export class SinkLoop {
  private buffer: BufferState = EMPTY_BUFFER;
  private ranges = new Map<number, OffsetRange>();
  /** Idempotency keys of the staged batch: a retried event's copy is dropped (dedup.ts). */
  private keys = new BatchKeys();
  /** The epoch each staged range was read under. */
  private rangeEpochs = new Map<number, number>();
  /** Owned partitions and the epoch of their current assignment. */
  private readonly owned = new Map<number, number>();
  private epochs = 0;
  private owner: OwnershipCheck | null = null;
  /** Next offset expected per partition: guards against a transport delivering a record twice. */
  private readonly expected: Map<number, number>;
  /** The last commit, and the one before it (each resolves when done, failed or not). */
  private inflight: Promise<void> = Promise.resolve();
  private older: Promise<void> = Promise.resolve();
  private chain: Promise<void> = Promise.resolve();
  private failed: Error | null = null;

  constructor(private readonly options: LoopOptions) {
    this.expected = new Map(options.positions);
  }

  /** Committed position per partition (next offset to read). */
  get positions(): ReadonlyMap<number, number> {
    return this.options.positions;
  }

  /** The open buffer (for the interval timer). */
  get bufferState(): BufferState {
    return this.buffer;
  }

  /** Partitions owned now. */
  get partitions(): number[] {
    return [...this.owned.keys()].sort((a, b) => a - b);
  }

  /**
   * Before recovering newly assigned partitions: commits (or, for partitions no longer owned,
   * discards) whatever is staged and waits for every commit in flight, so recovery lists a
   * storage no commit of this worker is still changing.
   */
  async settle(): Promise<void> {
    await this.roll("handover");
    await this.inflight;
    if (this.failed) throw this.failed;
  }

  /** Takes `partitions` (recovered: `next` is where each resumes; absent, from the log's start) under a new epoch. */
  assign(partitions: readonly number[], next: ReadonlyMap<number, number>, owner: OwnershipCheck): void {
    this.owner = owner;
    for (const p of partitions) {
      this.owned.set(p, ++this.epochs);
      const n = next.get(p);
      if (n === undefined) {
        this.options.positions.delete(p);
        this.expected.delete(p);
      } else {
        this.options.positions.set(p, n);
        this.expected.set(p, n);
      }
    }
  }

  /** Hands `partitions` over: commits what is staged (while they are still owned), then forgets them; resolves with their final positions. */
  async release(partitions: readonly number[]): Promise<Map<number, number>> {
    const flushed = await this.flush().then(() => null, (error: unknown) => ({ error }));
    const final = new Map(partitions.filter((p) => this.options.positions.has(p)).map((p) => [p, this.options.positions.get(p)!]));
    this.forget(partitions);
    if (flushed) throw flushed.error;
    return final;
  }

  /** `partitions` already belong to someone else: nothing staged for them will be committed. */
  forget(partitions: readonly number[]): void {
    for (const p of partitions) {
      this.owned.delete(p);
      this.options.positions.delete(p);
      this.expected.delete(p);
      this.options.metrics.lag.delete(p);
    }
  }

  /** Resolves once no roll or commit is running, failed or not. */
  async idle(): Promise<void> {
    await this.chain;
    await this.older;
    await this.inflight;
  }

  /** The error that stopped the loop, if any. */
  get failure(): Error | null {
    return this.failed;
  }

  /** Routes and stages records of one partition (in offset order); rolls when the policy says so, mid-batch too. */
  async add(records: readonly LogRecord[]): Promise<void> {
    if (this.failed) throw this.failed;
    const writer = this.options.writer();
    if (!writer) throw new Error("records arrived before the Parquet writer was opened");
    const { maxRows, maxBytes } = this.options.policy;
    const { metrics } = this.options;
    const ingestedAt = Date.now();
    const route: RouteOptions = { maxMessageBytes: this.options.maxMessageBytes, ingestedAt };
    // Per-partition state is looked up when the partition changes and after a roll, not per record.
    let partition = -1;
    let expected = 0;
    let epoch: number | undefined;
    let range: OffsetRange | undefined;
    for (const rec of records) {
      if (rec.partition !== partition) {
        if (epoch !== undefined && this.owned.get(partition) === epoch) this.expected.set(partition, expected);
        partition = rec.partition;
        expected = this.expected.get(partition) ?? 0;
        range = this.ranges.get(partition);
        epoch = this.owned.get(partition);
      }
      // Records of a partition this worker does not own (any more) are not its to write.
      if (epoch === undefined || rec.offset < expected) continue;
      const routed = routeRecord(rec, route);
      if (this.keys.admit(partition, routed)) writer.add(routed);
      else metrics.duplicates++;
      if (routed.tables === DEAD_LETTER_ONLY) metrics.deadLetters++;
      if (range) range.end = rec.offset;
      else {
        this.ranges.set(partition, (range = { topic: this.options.topic, partition, start: rec.offset, end: rec.offset }));
        this.rangeEpochs.set(partition, epoch);
      }
      expected = rec.offset + 1;
      metrics.records++;
      this.buffer = addToBuffer(this.buffer, 1, rec.value.length, ingestedAt);
      if (this.buffer.records >= maxRows || this.buffer.bytes >= maxBytes) {
        this.expected.set(partition, expected);
        await this.maybeRoll(Date.now());
        // The partition was handed over while the roll waited: the rest of this batch is not ours to stage.
        if (this.owned.get(partition) !== epoch) return;
        range = this.ranges.get(partition); // a roll starts new ranges
      }
    }
    if (epoch !== undefined && this.owned.get(partition) === epoch) this.expected.set(partition, expected);
    await this.maybeRoll(Date.now());
  }

  /** Rolls if the policy says so (called on every add and by the interval timer). */
  async maybeRoll(now: number): Promise<RollReason | null> {
    const reason = rollReason(this.buffer, now, this.options.policy);
    if (reason) await this.roll(reason);
    return reason;
  }

  /** Rolls whatever is staged and waits until every batch is committed (shutdown, end of batch mode). */
  async flush(): Promise<void> {
    await this.roll("flush");
    await this.inflight;
    if (this.failed) throw this.failed;
  }

  /** Seals the stage and starts its commit once at most one other commit is in flight. Serialised. */
  private roll(reason: RollReason | "flush" | "handover"): Promise<void> {
    const run = this.chain.then(async () => {
      await this.older; // two commits in flight at most (the writer has two stages to seal)
      if (this.failed) throw this.failed;
      const writer = this.options.writer();
      if (!writer || writer.staged === 0) return;
      // Seal and snapshot the ranges in one synchronous step: they describe exactly the sealed rows.
      const sealed = writer.seal();
      const ranges = this.ranges;
      const epochs = this.rangeEpochs;
      const records = this.buffer.records;
      this.ranges = new Map();
      this.keys = new BatchKeys();
      this.rangeEpochs = new Map();
      this.buffer = EMPTY_BUFFER;
      this.options.logger.debug("rolling", { reason, records });
      // The previous commit must succeed before this one touches the storage.
      const previous = this.inflight.then(() => {
        if (this.failed) throw this.failed;
      });
      // commitBatch awaits `previous` only once its local files are built: if the previous commit
      // fails first, the rejection must not count as unhandled meanwhile (node --test fails on it).
      previous.catch(() => undefined);
      this.older = this.inflight;
      // Failures are kept in this.failed (and reported through onFailed), never left unhandled.
      this.inflight = this.commit(writer, sealed, ranges, epochs, previous).catch(() => undefined);
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  /**
   * Owned by the group's authority's word, and locally under the same epoch as when the batch was
   * read. In that order: an assignment change the worker applies after the authority answered is
   * still caught by the local check (a partition handed over and given back meanwhile).
   */
  private async confirm(partitions: readonly number[], epochs: ReadonlyMap<number, number>): Promise<void> {
    if (!this.owner) throw new FencedError("no partitions assigned", partitions);
    await this.owner.confirmOwnership(partitions);
    const stale = partitions.filter((p) => this.owned.get(p) !== epochs.get(p));
    if (stale.length > 0) throw new FencedError(`partitions ${stale.join(", ")} were handed over since this batch was read`, stale);
  }

  private async commit(writer: DuckdbParquetWriter, sealed: ReturnType<DuckdbParquetWriter["seal"]>, ranges: Map<number, OffsetRange>, epochs: Map<number, number>, previous: Promise<void>): Promise<void> {
    const { metrics, faults, logger } = this.options;
    try {
      const ctx: CommitContext = { ...this.options.commit, writer, confirmOwnership: (partitions) => this.confirm(partitions, epochs) };
      const result = await commitBatch(ctx, sealed, ranges, undefined, previous);
      // A batch the group refused for a partition that is still assigned here under the same epoch:
      // the stream has moved past the refused records, and later batches would commit after the gap.
      // The member reports every partition lost when the group refuses it (group-member.ts), so this
      // should not happen; if it does, stop: the partition's next owner recovers it from its files
      // and re-reads the refused records.
      const kept = result.fenced.filter((p) => this.owned.get(p) === epochs.get(p));
      if (kept.length > 0) {
        throw new FencedError(`partitions ${kept.join(", ")}: a batch was refused by the group while they stayed assigned here; stopping so that their next owner re-reads it from the files`, kept);
      }
      for (const [p, r] of ranges) {
        if (!result.fenced.includes(p) && this.owned.get(p) === epochs.get(p)) this.options.positions.set(p, r.end + 1);
      }
      metrics.commitsFenced += result.fenced.length;
      metrics.batches++;
      metrics.filesWritten += result.files.length;
      for (const f of result.files) {
        metrics.bytesWritten += f.bytes;
        metrics.addRows(f.table, f.rows);
      }
      metrics.lastCommitAt = Date.now();
      this.options.onCommitted?.(result);
      faults("before-offset-commit");
      this.options.groupOffsets.report(this.options.positions);
    } catch (error) {
      if (this.failed) throw this.failed; // an earlier batch failed: this one was not committed
      this.failed = error instanceof Error ? error : new Error(String(error));
      logger.error("commit failed; stopping", { error: String(error) });
      this.options.onFailed?.(this.failed);
      throw this.failed;
    }
  }
}
