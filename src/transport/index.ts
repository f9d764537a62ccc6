export type { Transport, LogProducer, LogRecord, OutgoingMessage, Offsets, ConsumeOptions, ProducerOptions, Subscription } from "./transport";
export { EmbeddedLog } from "./embedded/embedded-log";
export { createTransport } from "./factory";
export { partitionForKey } from "./partitioner";
