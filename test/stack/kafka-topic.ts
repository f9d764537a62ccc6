/** Reading a whole Kafka topic in tests: through kcat (an independent client) or the KafkaTransport. */
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { promisify } from "node:util";
import type { Logger } from "../../src/logger";
import { KafkaTransport } from "../../src/transport/kafka/kafka-transport";
import type { LogRecord } from "../../src/transport";
import { KAFKA_BROKERS } from "./stack";

const run = promisify(execFile);

/** Every message value of the topic as kcat prints it: one line per message, from the beginning to the end. */
export async function kcatLines(topic: string): Promise<string[]> {
  const { stdout } = await run("kcat", ["-C", "-b", KAFKA_BROKERS[0], "-t", topic, "-e", "-o", "beginning", "-q"], {
    maxBuffer: 256 * 1024 * 1024,
    timeout: 60_000,
  });
  return stdout.split("\n").filter((line) => line.length > 0);
}

/** Every record of the topic up to its current end offsets, read with the KafkaTransport. */
export async function readTopic(topic: string, logger: Logger, timeoutMs = 60_000): Promise<LogRecord[]> {
  const transport = new KafkaTransport({ brokers: KAFKA_BROKERS, clientId: "test-reader", logger });
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
    if (remaining.size > 0) throw new Error(`reading ${topic} timed out with partitions ${[...remaining.keys()]} unfinished`);
    return records;
  } finally {
    await transport.close();
  }
}
