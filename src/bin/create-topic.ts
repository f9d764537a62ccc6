#!/usr/bin/env node
/**
 * Creates the events topic (idempotent), as the reference's proj3_createKafkaTopic.sh did,
 * through the Transport interface: the embedded log by default, Kafka with TRANSPORT=kafka.
 */
import { parseArgs } from "node:util";
import { loadConfig } from "../config";
import { createLogger } from "../logger";
import { createTransport } from "../transport";
import { runCli, UsageError } from "./cli";

const HELP = `Usage: scripts/create-topic.sh [options]   (or node dist/src/bin/create-topic.js)

Creates the events topic if it does not exist, on the configured transport
(TRANSPORT=embedded by default, kafka on the real stack), then prints its partitions.

Options:
  --topic NAME          topic (default EVENTS_TOPIC, "events")
  --partitions N        partitions (default TOPIC_PARTITIONS: 1, 6 on Kafka)
  --replication N       replication factor, Kafka only (default TOPIC_REPLICATION, 1)
  -h, --help            show this help`;

function positive(raw: string | undefined, name: string, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new UsageError(`--${name} must be an integer >= 1, got "${raw}"`);
  return value;
}

async function main(argv: string[]): Promise<number> {
  const { values: flags } = parseArgs({
    args: argv,
    options: {
      topic: { type: "string" },
      partitions: { type: "string" },
      replication: { type: "string" },
    },
  });
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel, ns: "create-topic" });
  const topic = flags.topic ?? config.transport.topic;
  const partitions = positive(flags.partitions, "partitions", config.transport.partitions);
  const replicationFactor = positive(flags.replication, "replication", config.transport.replicationFactor);
  const transport = await createTransport(config.transport, logger);
  try {
    await transport.ensureTopic(topic, { partitions, replicationFactor });
    const actual = await transport.partitionsFor(topic);
    if (actual.length !== partitions) {
      logger.warn("topic already existed with a different partition count; left as it is", { topic, partitions: actual.length, asked: partitions });
    }
    process.stdout.write(`topic ${topic} on ${transport.kind}: ${actual.length} partition(s) [${actual.join(", ")}]\n`);
    return 0;
  } finally {
    await transport.close();
  }
}

runCli("create-topic", HELP, main);
