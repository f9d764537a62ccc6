/**
 * The Kafka client's classes and constants, loaded with its option validators deferred
 * (deferred-validators.ts says why). Import values of @platformatic/kafka from here; types may
 * come from the package itself (ESLint enforces this).
 */
import { restoreCompile } from "./deferred-validators";

export { Admin, Consumer, instancesChannel, IS_CONTROL, ListOffsetTimestamps, MessagesStreamFallbackModes, MessagesStreamModes, ProduceAcks, Producer } from "@platformatic/kafka";

restoreCompile();
