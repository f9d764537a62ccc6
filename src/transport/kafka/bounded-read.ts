/**
 * Transport.read on Kafka: Fetch requests of its own for the partitions still short of their
 * bound, by manual assignment. No consumer group: nothing to join before the first fetch (the
 * coordinator's join round costs seconds), no member for the sink's group to rebalance around.
 * Every fetch asks with maxWaitTime 0, so the broker answers at once with what it has and no fetch
 * is ever held open for records past the bound; an empty increment makes no fetch at all.
 * The next round is fetched while the current one is handed over (one round ahead), so the
 * network and the caller's work overlap. Memory: each round asks for at most `maxBytes` (shared
 * evenly by the partitions it asks for; KAFKA_FETCH_MAX_BYTES), and a read holds two rounds at most.
 * The records' values are views of the response's socket chunks, so a round's bytes stay allocated
 * until its records are handed over and dropped; small rounds keep that short-lived.
 */
import type { Consumer, RecordsBatch, fetchV17 } from "@platformatic/kafka";
import { IS_CONTROL } from "./client";
import { TransportError } from "../../errors";
import type { Logger } from "../../logger";
import type { LogRecord, Offsets, ReadOptions } from "../transport";
import { yieldToEventLoop } from "../event-loop";
import { toTransportError } from "./errors";

export type ReadingConsumer = Consumer<Buffer, Buffer, Buffer, Buffer>;
type FetchResponse = fetchV17.FetchResponse;

/** How long the broker may hold a fetch for more data: never (a bounded read asks only for what is there). */
const MAX_WAIT_MS = 0;
/** Rounds in a row that move no partition before the read ends: the records below the bound are gone (retention). */
const IDLE_ROUNDS = 3;

interface Round {
  /** Records per partition, in offset order, below each bound. */
  records: Map<number, LogRecord[]>;
  /** Positions after this round; partitions at their bound are absent. */
  next: Map<number, number>;
  moved: boolean;
}

/**
 * Reads each partition of options.from up to options.to (clamped to the log's start offsets
 * `starts`), each fetch round asking for at most `maxBytes`.
 */
export async function readBounded(consumer: ReadingConsumer, options: ReadOptions, starts: Offsets, maxBytes: number, logger: Logger): Promise<void> {
  const { topic, to, signal } = options;
  const maxBatch = options.maxBatch ?? 10_000;
  let positions = new Map<number, number>();
  for (const [partition, from] of options.from) {
    const start = Math.max(from, starts.get(partition) ?? 0);
    if (start < (to.get(partition) ?? 0)) positions.set(partition, start);
  }
  consumer.topics.track(topic);
  let idle = 0;
  let pending = positions.size > 0 ? fetchRound(consumer, topic, positions, to, maxBytes, logger) : null;
  while (pending && !signal?.aborted) {
    const round = await pending;
    idle = round.moved ? 0 : idle + 1;
    positions = round.next;
    pending = positions.size > 0 && idle < IDLE_ROUNDS ? fetchRound(consumer, topic, positions, to, maxBytes, logger) : null;
    try {
      for (const records of round.records.values()) {
        for (let i = 0; i < records.length && !signal?.aborted; i += maxBatch) {
          await options.onBatch(records.slice(i, i + maxBatch));
          await yieldToEventLoop();
        }
      }
    } catch (error) {
      // The fetch ahead is abandoned with the read: its failure, if any, is not this read's.
      pending?.catch(() => undefined);
      throw error;
    }
  }
  pending?.catch(() => undefined);
  if (idle >= IDLE_ROUNDS) logger.warn("bounded read ended short of its bound: the records are no longer in the log", { topic, positions: Object.fromEntries(positions) });
}

/** One Fetch per leader for every partition short of its bound, decoded. */
async function fetchRound(consumer: ReadingConsumer, topic: string, positions: ReadonlyMap<number, number>, to: Offsets, maxBytes: number, logger: Logger): Promise<Round> {
  let metadata;
  try {
    metadata = (await consumer.metadata({ topics: [topic] })).topics.get(topic);
  } catch (error) {
    throw toTransportError(`read ${topic}`, error);
  }
  if (!metadata) throw new TransportError(`read ${topic}: the topic does not exist`, { retriable: false });
  const byLeader = new Map<number, fetchV17.FetchRequestPartition[]>();
  // Shared evenly: every partition still short of its bound moves in every round.
  const partitionMaxBytes = Math.max(1, Math.floor(maxBytes / positions.size));
  for (const [partition, offset] of positions) {
    const leader = metadata.partitions[partition]?.leader ?? -1;
    const request = { partition, fetchOffset: BigInt(offset), partitionMaxBytes, currentLeaderEpoch: -1, lastFetchedEpoch: -1 };
    byLeader.set(leader, [...(byLeader.get(leader) ?? []), request]);
  }
  logger.debug("fetch", { topic, maxWaitMs: MAX_WAIT_MS, maxBytes, partitionMaxBytes, partitions: [...positions].map(([p, o]) => `${p}:${o}-${to.get(p)}`).join(" ") });
  let responses: FetchResponse[];
  try {
    responses = await Promise.all(
      [...byLeader].map(([node, partitions]) => consumer.fetch({ node, topics: [{ topicId: metadata.id, partitions }], maxWaitTime: MAX_WAIT_MS, minBytes: 1, maxBytes })),
    );
  } catch (error) {
    throw toTransportError(`read ${topic}`, error);
  }
  const round: Round = { records: new Map(), next: new Map(positions), moved: false };
  for (const response of responses) {
    for (const part of response.responses.flatMap((t) => t.partitions)) {
      const position = positions.get(part.partitionIndex);
      if (position === undefined) continue;
      const bound = to.get(part.partitionIndex) ?? 0;
      const { records, next } = decode(topic, part.partitionIndex, part.records ?? [], position, bound);
      if (records.length > 0) round.records.set(part.partitionIndex, records);
      if (next > position) round.moved = true;
      if (next >= bound) round.next.delete(part.partitionIndex);
      else round.next.set(part.partitionIndex, next);
    }
  }
  return round;
}

/** The records of a partition's batches from `position` to before `bound`, and where the next fetch starts. */
function decode(topic: string, partition: number, batches: readonly RecordsBatch[], position: number, bound: number) {
  const records: LogRecord[] = [];
  let next = position;
  for (const batch of batches) {
    // A control batch (transaction marker) takes offsets but holds no record of the topic.
    next = Math.max(next, Number(batch.firstOffset) + batch.lastOffsetDelta + 1);
    if (batch.attributes & IS_CONTROL) continue;
    for (const record of batch.records) {
      const offset = Number(batch.firstOffset) + record.offsetDelta;
      // A fetch returns whole batches: the one holding `position` may start before it.
      if (offset < position || offset >= bound) continue;
      records.push({
        topic,
        partition,
        offset,
        key: record.key === null ? null : record.key.toString(),
        value: record.value ?? Buffer.alloc(0),
        timestamp: Number(batch.firstTimestamp + record.timestampDelta),
      });
    }
  }
  return { records, next };
}
