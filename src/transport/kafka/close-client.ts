/**
 * Closing a @platformatic/kafka client so that none of its broker connections outlives it.
 *
 * Why the client's own close() is not enough: its connection pool keeps one connection per broker
 * address and drops an entry BY ADDRESS when a connection reports "close" or "error". A connection
 * cut during its SASL exchange reports twice: "close" at once (a retry then opens a replacement
 * under the same address) and "error" a moment later, when the SASL step that was waiting fails.
 * That late "error" drops the replacement's entry, and close() only closes the connections the pool
 * still lists: the replacement stays open and keeps the process alive. Only SASL connections report
 * late (a cut plaintext connection reports "close" alone), so it shows on the secured stack.
 *
 * The client announces every connection it creates on the `plt:kafka:instances` diagnostics channel,
 * owned by the client's instance id. Connections are recorded from the moment the client is created
 * (trackConnections) and, once close() has settled, those still open are closed (closeClient).
 */
import { subscribe } from "node:diagnostics_channel";
import type { Connection, ConnectionPool } from "@platformatic/kafka";
import { describeError } from "../../errors";
import type { Logger } from "../../logger";
import { instancesChannel } from "./client";
import { toTransportError } from "./errors";

/** The part of a client (Producer, Consumer, Admin) this module needs. */
export interface KafkaClient {
  readonly instanceId: number;
  readonly connections: ConnectionPool;
}

/** Per tracked client (by instance id), its connections whose socket may still be open. */
const tracked = new Map<number, Set<Connection>>();
let subscribed = false;

function onInstance(message: unknown): void {
  const { type, instance } = message as { type: string; instance: Connection };
  if (type !== "connection" || instance.ownerId === undefined) return;
  const connections = tracked.get(instance.ownerId);
  if (!connections) return;
  // A connection whose socket closed before it finished connecting never reports "close": drop such
  // ones here, so a long-lived consumer that reconnects often does not pile them up.
  for (const known of connections) if (socketOf(known)?.destroyed) connections.delete(known);
  connections.add(instance);
  instance.once("close", () => connections.delete(instance));
}

/** Records every broker connection `client` opens from now on; call it right after creating the client. */
export function trackConnections<C extends KafkaClient>(client: C): C {
  if (!subscribed) {
    subscribe(instancesChannel.name, onInstance);
    subscribed = true;
  }
  tracked.set(client.instanceId, new Set());
  return client;
}

/**
 * Closes a tracked client with `close` (e.g. `() => producer.close(true)`) and then every connection
 * of it that is still open. Never throws: a failed close is logged as a TransportError and the
 * client's pool is closed anyway, so no retry of the client opens another connection.
 */
export async function closeClient(client: KafkaClient, close: () => Promise<void>, logger: Logger, what: string): Promise<void> {
  try {
    await close();
  } catch (error) {
    logger.warn(`closing the ${what} failed; closing its connections`, { error: describeError(toTransportError(`close ${what}`, error)) });
    await client.connections.close().catch((poolError: unknown) => {
      logger.warn(`closing the ${what}'s connection pool failed`, { error: describeError(toTransportError(`close ${what}`, poolError)) });
    });
  }
  const leftovers = [...(tracked.get(client.instanceId) ?? [])].filter((connection) => isOpen(connection));
  tracked.delete(client.instanceId);
  if (leftovers.length === 0) return;
  logger.warn(`the ${what} left ${leftovers.length} broker connection(s) open after close; closing them`, {
    connections: leftovers.map((c) => `${c.socket.localPort}->${c.socket.remoteAddress}:${c.socket.remotePort} (${c.status})`),
  });
  await Promise.all(leftovers.map(destroy));
}

/** The connection's socket; undefined until the connection starts connecting. */
function socketOf(connection: Connection): Connection["socket"] | undefined {
  return connection.socket;
}

function isOpen(connection: Connection): boolean {
  const socket = socketOf(connection);
  return socket !== undefined && !socket.destroyed;
}

/** Destroys the connection's socket and waits until its handle is released. */
function destroy(connection: Connection): Promise<void> {
  const socket = connection.socket;
  return new Promise((resolve) => {
    socket.once("close", () => resolve());
    socket.destroy();
  });
}
