/**
 * One pipeline run, step by step, as `npm start` (src/bin/main.ts) and notebooks/01-pipeline.ipynb
 * drive it: open the stack, start the API, send simulated players, land the log with the sink
 * (streaming or batch), count the rows, record the run for the analysis.
 */
export { openStack, describeStack } from "./stack";
export type { Stack } from "./stack";
export { startLocalApi } from "./api";
export { sendLoad } from "./load";
export type { SendOptions } from "./load";
export { startStreamingSink, landBatch } from "./sink";
export type { StreamingSink } from "./sink";
export { countRows } from "./tables";
export { runRecord, writeRunRecord, readRunRecord, runRecordPath } from "./run-record";
export type { RunRecord, LoadRecord } from "./run-record";
export { mergeTruth, truthFacts } from "./truth";
export type { TruthFacts } from "./truth";
