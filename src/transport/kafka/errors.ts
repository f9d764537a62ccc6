/**
 * @platformatic/kafka errors -> TransportError. The client marks each error `canRetry` and, once
 * its own retries ran out, wraps every attempt's error in a MultipleErrors; the verdict is read
 * from the LAST attempt, the innermost error that actually happened (a refused connection stays
 * retriable). A connection the broker refused for security reasons (untrusted certificate, a TLS
 * handshake with a plaintext listener, bad SASL credentials) is never retriable and the message
 * names the setting to check; no message carries a credential.
 */
import { TransportError } from "../../errors";

interface ClientError extends Error {
  code?: unknown;
  canRetry?: unknown;
  apiId?: unknown;
  serverErrorMessage?: unknown;
  errors?: unknown;
}

/** Node's codes for a certificate the TLS client does not trust or that does not match the host. */
const UNTRUSTED_CERTIFICATE = /^(UNABLE_TO_|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|ERR_TLS_CERT_ALTNAME_INVALID$|HOSTNAME_MISMATCH$)/;
/** Kafka error ids of an authentication the broker refused. */
const AUTHENTICATION_REFUSED = new Set(["SASL_AUTHENTICATION_FAILED", "UNSUPPORTED_SASL_MECHANISM", "ILLEGAL_SASL_STATE"]);
/** Kafka error ids of an operation the broker's ACLs refuse. */
const NOT_AUTHORIZED = new Set(["TOPIC_AUTHORIZATION_FAILED", "GROUP_AUTHORIZATION_FAILED", "CLUSTER_AUTHORIZATION_FAILED", "TRANSACTIONAL_ID_AUTHORIZATION_FAILED"]);

function asClientError(value: unknown): ClientError | null {
  return value instanceof Error ? value : null;
}

/** The error of the last attempt: the client's MultipleErrors lists attempts in order. */
function lastAttempt(error: ClientError): ClientError {
  let current = error;
  for (let depth = 0; depth < 5 && Array.isArray(current.errors) && current.errors.length > 0; depth++) {
    const last = asClientError(current.errors[current.errors.length - 1]);
    if (!last) break;
    current = last;
  }
  return current;
}

/** The error and everything it wraps (attempts and causes), depth-bounded. */
function* chain(error: unknown, depth = 0): Generator<ClientError> {
  const current = asClientError(error);
  if (!current || depth > 8) return;
  yield current;
  if (Array.isArray(current.errors)) for (const inner of current.errors) yield* chain(inner, depth + 1);
  yield* chain(current.cause, depth + 1);
}

/**
 * Why the connection was refused for security reasons, with the setting to check; null if it was
 * not. The most specific cause wins: a plaintext client talking to a TLS listener also fails its
 * SASL handshake, but the fix is the protocol, not the credentials.
 */
function securityProblem(error: unknown): string | null {
  const errors = [...chain(error)];
  const code = (e: ClientError) => (typeof e.code === "string" ? e.code : "");
  const apiId = (e: ClientError) => (typeof e.apiId === "string" ? e.apiId : "");
  const requiresTls = errors.find((e) => /^Broker requires TLS/.test(e.message));
  if (requiresTls) {
    return "the broker's listener speaks TLS; set KAFKA_SECURITY_PROTOCOL to SSL or SASL_SSL (and KAFKA_SSL_CA_FILE if its CA is not a public one)";
  }
  const untrusted = errors.find((e) => UNTRUSTED_CERTIFICATE.test(code(e)));
  if (untrusted) {
    return `the broker's TLS certificate is not trusted (${code(untrusted)}: ${untrusted.message}); set KAFKA_SSL_CA_FILE to the CA that signed it`;
  }
  const handshake = errors.find((e) => code(e).startsWith("ERR_SSL_") || code(e) === "EPROTO" || /TLS handshake failed/.test(e.message));
  if (handshake) {
    return `the TLS handshake with the broker failed (${handshake.message}); check that KAFKA_SECURITY_PROTOCOL matches the listener (SSL or SASL_SSL only for a TLS listener)`;
  }
  const refused = errors.filter((e) => code(e) === "PLT_KFK_AUTHENTICATION" || AUTHENTICATION_REFUSED.has(apiId(e)));
  // The client drops the "Broker requires TLS" answer of its first request on a SASL connection, so
  // a SASL_PLAINTEXT client of a TLS listener only sees the connection close during the handshake.
  if (refused.some((e) => asClientError(e.cause)?.message === "Connection closed")) {
    return "the broker closed the connection during the SASL handshake; a TLS listener does that to a plaintext client: check KAFKA_SECURITY_PROTOCOL (SASL_SSL, not SASL_PLAINTEXT)";
  }
  if (refused.length > 0) {
    const server = errors.map((e) => e.serverErrorMessage).find((m): m is string => typeof m === "string" && m.length > 0);
    const why = server ?? refused[refused.length - 1].message;
    return `the broker refused the SASL authentication (${why}); check KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD`;
  }
  const denied = errors.find((e) => NOT_AUTHORIZED.has(apiId(e)));
  if (denied) return `the broker's ACLs refuse it (${apiId(denied)}): the user needs the matching Kafka ACL`;
  return null;
}

/** The innermost message worth showing: the client's own, then what caused it. */
function describe(error: ClientError): string {
  const cause = asClientError(error.cause);
  return cause && cause.message && cause.message !== error.message ? `${error.message} (${cause.message})` : error.message;
}

/** Wraps any failure of a Kafka call; `what` says which call (e.g. `send to events`). */
export function toTransportError(what: string, error: unknown): TransportError {
  if (error instanceof TransportError) return error;
  const refused = securityProblem(error);
  if (refused) return new TransportError(`Kafka ${what} failed: ${refused}`, { retriable: false, cause: error });
  const clientError = asClientError(error);
  if (!clientError) return new TransportError(`Kafka ${what} failed: ${String(error)}`, { retriable: false, cause: error });
  const last = lastAttempt(clientError);
  return new TransportError(`Kafka ${what} failed: ${describe(last)}`, { retriable: last.canRetry === true, cause: error });
}

/** True when Kafka answered with one of these error ids (e.g. TOPIC_ALREADY_EXISTS), also once the client gave up retrying. */
export function hasKafkaError(error: unknown, ...ids: string[]): boolean {
  for (const e of chain(error)) if (typeof e.apiId === "string" && ids.includes(e.apiId)) return true;
  return false;
}

/**
 * True for Kafka's "this topic does not exist" answers. The client's metadata call replaces that
 * answer with a UserError "Unknown topic <name>." that keeps neither the Kafka error nor a cause,
 * so its text is the only mark left.
 */
export function isUnknownTopic(error: unknown): boolean {
  if (hasKafkaError(error, "UNKNOWN_TOPIC_OR_PARTITION", "UNKNOWN_TOPIC_ID")) return true;
  for (const e of chain(error)) if (e.code === "PLT_KFK_USER" && /^Unknown topic /.test(e.message)) return true;
  return false;
}
