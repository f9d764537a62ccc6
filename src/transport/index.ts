export type { Transport, LogProducer, LogRecord, OutgoingMessage, Offsets, ConsumeOptions, Subscription } from "./transport";
export { EmbeddedLog } from "./embedded/embedded-log";
export { createTransport } from "./factory";
