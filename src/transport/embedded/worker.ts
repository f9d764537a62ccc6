/**
 * Worker thread that owns the embedded log's write connection: each append is one SQLite
 * transaction with an fsync, done here so the main thread (the API) keeps serving meanwhile.
 */
import { parentPort, workerData } from "node:worker_threads";
import { partitionForKey } from "../partitioner";
import { LogStore, openLogDb, type StoredMessage } from "./store";

export interface AppendRequest {
  id: number;
  topic: string;
  defaultPartitions: number;
  batch: StoredMessage[];
}

export interface AppendReply {
  id: number;
  error?: string;
}

const { file, busyTimeoutMs } = workerData as { file: string; busyTimeoutMs: number };
const store = new LogStore(openLogDb(file, busyTimeoutMs));
let roundRobin = 0;

parentPort!.on("message", (request: AppendRequest) => {
  const reply: AppendReply = { id: request.id };
  try {
    const partitions = store.partitionCount(request.topic) ?? store.ensureTopic(request.topic, request.defaultPartitions);
    store.append(
      request.topic,
      request.batch.map((message) => ({ partition: partitionForKey(message.key, partitions, roundRobin++), message })),
    );
  } catch (error) {
    reply.error = error instanceof Error ? error.message : String(error);
  }
  parentPort!.postMessage(reply);
});
