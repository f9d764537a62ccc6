export { runSink } from "./run-sink";
export type { RunSinkOptions, SinkMode, SinkSummary } from "./run-sink";
export { routeRecord, rowFor } from "./route";
export type { RoutedRecord, Row } from "./route";
export { fileName, parseFileName, committedPath, partitionDir } from "./naming";
export type { OffsetRange } from "./naming";
export { SinkMetrics } from "./metrics";
