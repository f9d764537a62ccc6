import type { TransportConfig } from "../config";
import { ConfigError } from "../errors";
import type { Logger } from "../logger";
import { EmbeddedLog } from "./embedded/embedded-log";
import type { Transport } from "./transport";

/** The Transport the configuration asks for. */
export async function createTransport(config: TransportConfig, logger: Logger): Promise<Transport> {
  switch (config.kind) {
    case "embedded":
      return new EmbeddedLog({ file: config.embeddedPath, defaultPartitions: config.partitions, logger: logger.child("log") });
    case "kafka": {
      // Loaded lazily so the embedded default never loads the Kafka client.
      const { KafkaTransport } = await import("./kafka/kafka-transport.js").catch((cause) => {
        throw new ConfigError(`TRANSPORT=kafka is not available: ${String(cause)}`, "TRANSPORT");
      });
      return new KafkaTransport({ ...config.kafka, logger: logger.child("kafka") });
    }
  }
}
