/**
 * Brings the state store up to the log before the API listens: reads every partition from the
 * position the store reflects to the end the log had when replay began, and applies each
 * completed join and leave (idempotently, by event_id) and each keyed event still within the
 * idempotency window. Whatever a crash left in the log but not in the store is applied here.
 */
import { parseEvent, type GameEvent } from "../../events";
import type { Logger } from "../../logger";
import type { LogRecord, Offsets, Transport } from "../../transport";
import type { GuildChange, KeyRecord, StateStore } from "./state-store";

export interface ReplayOptions {
  transport: Transport;
  topic: string;
  store: StateStore;
  /** Idempotency window (ms): keyed events older than this are not restored. */
  windowMs: number;
  now: () => number;
  logger: Logger;
  /** Log progress at debug level (the periodic catch-up) rather than info (the start). */
  quiet?: boolean;
}

export interface ReplayResult {
  /** Log records read. */
  records: number;
  /** Changes applied (in the log, not yet in the store). */
  applied: number;
  /** Changes already in the store. */
  skipped: number;
}

/** Replays the log tail into the store; resolves when every partition reached its end offset. */
export async function replayLog(options: ReplayOptions): Promise<ReplayResult> {
  const { transport, topic, store, logger } = options;
  const result: ReplayResult = { records: 0, applied: 0, skipped: 0 };
  const ends = await transport.endOffsets(topic);
  if (ends.size === 0) return result;
  const from = await startingPoints(options, ends);
  if (![...ends].some(([p, end]) => from.get(p)! < end)) return result;
  const log = options.quiet ? logger.debug.bind(logger) : logger.info.bind(logger);
  log("replaying the log into the state store", { from: Object.fromEntries(from), to: Object.fromEntries(ends) });
  const keysSince = options.now() - options.windowMs;
  // A bounded read up to the ends taken above, in no consumer group: replicas starting together each read every partition.
  await transport.read({
    topic,
    from,
    to: ends,
    onBatch: async (records) => {
      if (records.length === 0) return;
      const { changes, keys } = extract(records, keysSince);
      const done = await store.applyReplayed({ topic, partition: records[0].partition, next: records[records.length - 1].offset + 1, changes, keys, keysSince });
      result.records += records.length;
      result.applied += done.applied;
      result.skipped += done.skipped;
    },
  });
  log("state store caught up with the log", { ...result });
  return result;
}

/** Where each partition's replay starts: the store's position, or the log's start if that is later. */
async function startingPoints(options: ReplayOptions, ends: Offsets): Promise<Offsets> {
  const position = await options.store.position(options.topic);
  const starts = await options.transport.startOffsets(options.topic);
  const from: Offsets = new Map();
  for (const p of ends.keys()) {
    const stored = position.get(p) ?? 0;
    const start = starts.get(p) ?? 0;
    if (stored < start) {
      // Retention removed events the store never saw: their changes cannot be rebuilt.
      options.logger.warn("the log no longer holds events the state store has not seen", { partition: p, position: stored, logStart: start });
    }
    from.set(p, Math.max(stored, start));
  }
  return from;
}

/** The completed guild changes and the keyed events (within the window) of some records, in log order. */
export function extract(records: readonly LogRecord[], keysSince: number): { changes: GuildChange[]; keys: KeyRecord[] } {
  const changes: GuildChange[] = [];
  const keys: KeyRecord[] = [];
  for (const record of records) {
    const parsed = parseEvent(record.value);
    if (!parsed.ok) continue; // not the API's: the sink dead-letters it
    const event = parsed.event;
    const change = changeOf(event);
    if (change) changes.push(change);
    if (event.idempotency_key !== null && event.timestamp >= keysSince) {
      keys.push({ key: event.idempotency_key, event: record.value.toString("utf8"), at: event.timestamp });
    }
  }
  return { changes, keys };
}

/** The membership change a logged event made, if it made one. */
export function changeOf(event: GameEvent): GuildChange | null {
  if (event.outcome !== "ok" || (event.event_type !== "join_guild" && event.event_type !== "leave_guild")) return null;
  return { player: event.player_id, guild: event.guild_name!, op: event.event_type === "join_guild" ? "join" : "leave", eventId: event.event_id };
}
