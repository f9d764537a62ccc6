/**
 * Routes kafkajs' own log lines into the project's logger. kafkajs logs retriable trouble
 * (a refused connection, a leader change) at ERROR while it retries; the transport reports what
 * finally failed as a TransportError, so those lines go out as warnings and INFO as debug.
 */
import { logLevel, type logCreator } from "kafkajs";
import type { Logger } from "../../logger";

/** Warned on every idempotent producer with bounded retries; producer.ts explains why that is safe here. */
const EXPECTED = /^Limiting retries for the idempotent producer/;

export function kafkaLogCreator(logger: Logger): logCreator {
  return () => ({ namespace, level, log }) => {
    const { message, timestamp: _t, logger: _l, ...fields } = log as { message: string; timestamp?: string; logger?: string };
    const target = namespace ? logger.child(namespace) : logger;
    if ((level === logLevel.ERROR || level === logLevel.WARN) && !EXPECTED.test(message)) target.warn(message, fields);
    else target.debug(message, fields);
  };
}
