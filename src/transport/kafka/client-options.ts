/**
 * The settings every Kafka client of the project shares (admin, producers, consumers): brokers,
 * bounded retries and timeouts, TLS and SASL. One place, so a broker that is down or refuses the
 * handshake fails every client the same way, after the same bound.
 */
import type { BaseOptions } from "@platformatic/kafka";
import { settingDefault, type KafkaConnectionConfig } from "../../config";

export interface KafkaClientSettings extends Omit<KafkaConnectionConfig, "tls" | "sasl" | "fetchMaxBytes">, Partial<Pick<KafkaConnectionConfig, "tls" | "sasl" | "fetchMaxBytes">> {
  /** Upper bound on one request to a broker (ms); a broker that stops answering fails calls after it. */
  requestTimeoutMs?: number;
  /** Retries per call (back-off from 100 ms, doubling, at most 1 s apart). */
  retries?: number;
}

/** KAFKA_FETCH_MAX_BYTES's default (its row in SETTINGS), for clients built without the configuration (tools, tests). */
export const DEFAULT_FETCH_MAX_BYTES = Number(settingDefault("KAFKA_FETCH_MAX_BYTES"));

/** Retries of one call after the first attempt: with the back-off below, ~2.5 s of waiting in all. */
export const DEFAULT_RETRIES = 5;

/** The base options of a @platformatic/kafka client for these settings. */
export function clientOptions(settings: KafkaClientSettings): BaseOptions {
  const { tls, sasl } = settings;
  return {
    clientId: settings.clientId,
    bootstrapBrokers: settings.brokers,
    connectTimeout: 3000,
    requestTimeout: settings.requestTimeoutMs ?? 10_000,
    retries: settings.retries ?? DEFAULT_RETRIES,
    retryDelay: (_client, _operation, attempt) => Math.min(100 * 2 ** (attempt - 1), 1000),
    ...(tls && {
      tls: {
        ...(tls.ca !== null && { ca: tls.ca }),
        ...(tls.cert !== null && { cert: tls.cert }),
        ...(tls.key !== null && { key: tls.key.reveal() }),
      },
    }),
    // Credentials as providers: the client's options never hold the password itself.
    ...(sasl && { sasl: { mechanism: sasl.mechanism, username: sasl.username, password: () => sasl.password.reveal() } }),
  };
}
