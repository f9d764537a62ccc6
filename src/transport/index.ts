export type { Transport, LogProducer, LogRecord, OutgoingMessage, Offsets, ConsumeOptions, ProducerOptions, ReadOptions, Subscription, Ownership, OwnershipCheck } from "./transport";
export { EmbeddedLog } from "./embedded/embedded-log";
export { createTransport } from "./factory";
export { partitionForKey } from "./partitioner";
