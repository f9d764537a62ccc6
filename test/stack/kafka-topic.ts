/** Reading a whole Kafka topic in tests: through kcat (an independent client) or the KafkaTransport. */
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { promisify } from "node:util";
import type { Logger } from "../../src/logger";
import { KafkaTransport } from "../../src/transport/kafka/kafka-transport";
import type { LogRecord } from "../../src/transport";
import { KAFKA_BROKERS, stack, stackEnv, stackIsSecure, stackKafka } from "./stack";

const run = promisify(execFile);

/**
 * Every message value of the topic as an independent client prints it: one line per message, from
 * the beginning to the end. kcat on a plain stack; on a secured one Kafka's own console consumer,
 * because Debian's kcat (librdkafka 2.0.2) cannot log in with SCRAM to Kafka 4 (edenhill/kcat#462).
 * That one stops after `expected` messages, or once none came for 20 s (its group join is slow on a busy machine).
 */
export async function kcatLines(topic: string, expected?: number): Promise<string[]> {
  const enough = expected === undefined ? [] : ["--max-messages", String(expected)];
  const stdout = stackIsSecure()
    ? await stack("kafka-tool", "org.apache.kafka.tools.consumer.ConsoleConsumer", "--bootstrap-server", KAFKA_BROKERS[0], "--topic", topic,
        "--from-beginning", "--timeout-ms", "20000", ...enough, "--consumer.config", secureClientProperties())
    : (await run("kcat", ["-C", "-b", KAFKA_BROKERS[0], "-t", topic, "-e", "-o", "beginning", "-q"], { maxBuffer: 256 * 1024 * 1024, timeout: 60_000 }).catch((error: NodeJS.ErrnoException) => {
        // `npm run test:stack` checks for kcat first; this is for a stack test run on its own.
        if (error.code === "ENOENT") throw new Error("kcat is not installed: sudo apt-get install kcat (or bash scripts/setup.sh)");
        throw error;
      })).stdout;
  return stdout.split("\n").filter((line) => line.length > 0);
}

/** The secured stack's client properties for Kafka's Java tools (beside its CA). */
function secureClientProperties(): string {
  return stackEnv().KAFKA_SSL_CA_FILE.replace(/ca\.pem$/, "kafka-client.properties");
}

/** Every record of the topic up to its current end offsets, read with the KafkaTransport. */
export async function readTopic(topic: string, logger: Logger, timeoutMs = 60_000): Promise<LogRecord[]> {
  const transport = new KafkaTransport({ ...stackKafka("test-reader"), logger });
  try {
    const end = await transport.endOffsets(topic);
    const remaining = new Map([...end].filter(([, offset]) => offset > 0));
    const records: LogRecord[] = [];
    if (remaining.size === 0) return records;
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    const sub = await transport.consume({
      topic,
      groupId: `reader-${randomUUID().slice(0, 8)}`,
      from: new Map(),
      onBatch: async (batch) => {
        records.push(...batch);
        const last = batch[batch.length - 1];
        if (last.offset + 1 >= (end.get(last.partition) ?? 0)) remaining.delete(last.partition);
        if (remaining.size === 0) done();
      },
    });
    const timer = setTimeout(done, timeoutMs);
    await finished;
    clearTimeout(timer);
    await sub.stop();
    if (remaining.size > 0) throw new Error(`reading ${topic} timed out with partitions ${[...remaining.keys()].join(", ")} unfinished`);
    return records;
  } finally {
    await transport.close();
  }
}

export interface TopicCount {
  /** How many records carry each id (a value above 1 is a duplicate). */
  byEventId: Map<string, number>;
  /** `partition/offset` read more than once. */
  repeatedOffsets: string[];
  /** `partition/offset` missing between 0 and the highest offset read. */
  gaps: string[];
}

/** Counts a topic's records by id and by offset (never collapsing them into a set). */
export function countTopic(records: readonly LogRecord[], idOf: (value: Buffer) => string): TopicCount {
  const byEventId = new Map<string, number>();
  const offsets = new Map<number, number[]>();
  for (const r of records) {
    const id = idOf(r.value);
    byEventId.set(id, (byEventId.get(id) ?? 0) + 1);
    const list = offsets.get(r.partition) ?? [];
    list.push(r.offset);
    offsets.set(r.partition, list);
  }
  const repeatedOffsets: string[] = [];
  const gaps: string[] = [];
  for (const [p, list] of offsets) {
    list.sort((a, b) => a - b);
    for (let i = 1; i < list.length; i++) if (list[i] === list[i - 1]) repeatedOffsets.push(`${p}/${list[i]}`);
    // Kafka offsets of a topic written only by idempotent producers, never compacted, are dense from 0.
    const distinct = [...new Set(list)];
    for (let expected = 0, i = 0; i < distinct.length; expected++) {
      if (distinct[i] === expected) i++;
      else gaps.push(`${p}/${expected}`);
      if (gaps.length > 10) break;
    }
  }
  return { byEventId, repeatedOffsets, gaps };
}
