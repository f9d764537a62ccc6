/**
 * kafkajs errors -> TransportError. kafkajs marks each error `retriable`; when its own retries run
 * out it wraps the last error in a non-retriable one (KafkaJSNumberOfRetriesExceeded, or a plain
 * KafkaJSNonRetriableError in the consumer), so the flag is read from the innermost kafkajs error,
 * the one that actually happened (a refused connection stays retriable).
 */
import { KafkaJSError } from "kafkajs";
import { TransportError } from "../../errors";

function rootKafkaError(error: KafkaJSError): KafkaJSError {
  let current: KafkaJSError = error;
  for (let depth = 0; depth < 5; depth++) {
    const cause = (current as { cause?: unknown }).cause;
    if (!(cause instanceof KafkaJSError)) break;
    current = cause;
  }
  return current;
}

/** Wraps any failure of a Kafka call; `what` says which call (e.g. `send to events`). */
export function toTransportError(what: string, error: unknown): TransportError {
  if (error instanceof TransportError) return error;
  if (error instanceof KafkaJSError) {
    const root = rootKafkaError(error);
    return new TransportError(`Kafka ${what} failed: ${root.message}`, { retriable: root.retriable, cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new TransportError(`Kafka ${what} failed: ${message}`, { retriable: false, cause: error });
}

/** True for kafkajs' "this topic does not exist" answers, also once kafkajs gave up retrying them. */
export function isUnknownTopic(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    const type = (current as { type?: unknown }).type;
    if (type === "UNKNOWN_TOPIC_OR_PARTITION" || type === "UNKNOWN_TOPIC_ID") return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
