/**
 * One error hierarchy for the whole pipeline. Every error says whether retrying can help
 * (`retriable`) and keeps the error that caused it (`cause`), as kafkajs does; retry loops
 * read only that flag. HTTP status codes are mapped once, in the API's error middleware.
 */
export interface ErrorOptions {
  cause?: unknown;
  retriable?: boolean;
}

/** Base class of every error the project throws. */
export class PipelineError extends Error {
  readonly retriable: boolean;
  override readonly cause?: unknown;
  /** A stable machine-readable code, used in JSON error bodies and dead-letter rows. */
  readonly code: string = "pipeline_error";

  constructor(message: string, options: ErrorOptions = {}) {
    super(message);
    this.name = new.target.name;
    this.retriable = options.retriable ?? false;
    this.cause = options.cause;
  }
}

/** Input that breaks the event contract or the API's rules (HTTP 400). */
export class ValidationError extends PipelineError {
  override readonly code: string = "invalid_input";
  constructor(message: string, readonly field?: string, options: ErrorOptions = {}) {
    super(message, { ...options, retriable: false });
  }
}

/** A request the game understood but refuses to carry out: unknown item (404), membership conflict (409). */
export class GameRuleError extends PipelineError {
  constructor(message: string, override readonly code: string, readonly httpStatus: 404 | 409) {
    super(message, { retriable: false });
  }
}

/** An HTTP request refused before any game logic: unknown route (404), body (413), URL too long (414), an idempotency key reused on another request (422). */
export class RequestRefusedError extends PipelineError {
  constructor(message: string, override readonly code: string, readonly httpStatus: 404 | 413 | 414 | 422) {
    super(message, { retriable: false });
  }
}

/** The log (Kafka or the embedded log) could not take or confirm a write in time. */
export class TransportError extends PipelineError {
  override readonly code: string = "log_unavailable";
  constructor(message: string, options: ErrorOptions = {}) {
    super(message, { retriable: true, ...options });
  }
}

/** The API's state store (SQLite or PostgreSQL) failed; the request changed nothing (HTTP 503). */
export class StateStoreError extends PipelineError {
  override readonly code: string = "state_unavailable";
  constructor(message: string, options: ErrorOptions = {}) {
    super(message, { retriable: true, ...options });
  }
}

/** A request waited too long for its player's or guild's lock (the previous action is still waiting for the log): HTTP 503, retry later. */
export class LockTimeoutError extends StateStoreError {
  override readonly code: string = "busy";
}

/** An earlier request with the same Idempotency-Key ended unrecorded and the log is being checked for its event: HTTP 503, retry soon. */
export class KeyUnsettledError extends StateStoreError {
  override readonly code: string = "key_unsettled";
}

/** The publisher's bounded queue is full: backpressure, the caller should retry later. */
export class BackpressureError extends TransportError {
  override readonly code = "overloaded";
}

/** A publish did not complete within its deadline. */
export class PublishTimeoutError extends TransportError {
  override readonly code = "log_timeout";
}

/** Who owns a topic's partitions for a group (the embedded log's lease row), for messages. */
export interface OwnerInfo {
  pid: number;
  host: string;
  /** Epoch ms the owner took the partitions. */
  since: number;
}

/** Another sink already owns the partitions this one would write: it is refused at start. */
export class OwnershipError extends TransportError {
  override readonly code: string = "partitions_owned";
  constructor(message: string, readonly holder?: OwnerInfo, options: ErrorOptions = {}) {
    super(message, { ...options, retriable: false });
  }
}

/** This member lost partitions it was writing (taken over, session expired): it commits nothing more for them. */
export class FencedError extends OwnershipError {
  override readonly code = "fenced";
  constructor(message: string, readonly partitions: readonly number[], holder?: OwnerInfo, options: ErrorOptions = {}) {
    super(message, holder, options);
  }
}

/** Reading or writing the table storage (local disk or HDFS) failed. */
export class StorageError extends PipelineError {
  override readonly code: string = "storage_error";
  constructor(message: string, readonly path?: string, options: ErrorOptions = {}) {
    super(message, { retriable: true, ...options });
  }
}

/** A file or directory that was expected is missing. */
export class NotFoundInStorageError extends StorageError {
  override readonly code = "not_found";
  constructor(path: string, options: ErrorOptions = {}) {
    super(`not found: ${path}`, path, { ...options, retriable: false });
  }
}

/** A SQL engine (DuckDB, Presto/Trino) rejected or failed a query. */
export class QueryError extends PipelineError {
  override readonly code = "query_error";
  constructor(message: string, readonly sql?: string, options: ErrorOptions = {}) {
    super(message, { retriable: false, ...options });
  }
}

/** Configuration that cannot work (bad number, unknown backend). Fatal at start-up. */
export class ConfigError extends PipelineError {
  override readonly code = "config_error";
  constructor(message: string, readonly variable?: string) {
    super(message, { retriable: false });
  }
}

/**
 * True when a retry may help, as the first PipelineError in the error's cause chain says: a
 * wrapper of ours decides for what it wraps, an error from elsewhere defers to its cause, and an
 * error with no PipelineError in its chain is not retried.
 */
export function isRetriable(error: unknown): boolean {
  let current = error;
  for (let depth = 0; current instanceof Error && depth < 10; depth++) {
    if (current instanceof PipelineError) return current.retriable;
    current = current.cause;
  }
  return false;
}

/** A readable one-line message for any thrown value, including its causes. */
export function describeError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    parts.push(current instanceof Error ? `${current.name}: ${current.message}` : describeThrown(current));
    current = current instanceof Error ? (current as { cause?: unknown }).cause : undefined;
  }
  return parts.join(" <- ");
}

/** A thrown value that is not an Error: a string or number as it is, an object as JSON (String() gives "[object Object]"). */
function describeThrown(value: unknown): string {
  if (typeof value !== "object" || value === null) return String(value);
  try {
    return JSON.stringify(value);
  } catch {
    return Object.prototype.toString.call(value); // circular
  }
}
