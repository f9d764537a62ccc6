/**
 * What the Kafka subscription does with an 'error' the client emits on the consumer itself (a
 * rejoin that failed for good): a fake client, since the real one emits it only under a rare
 * timing (seen when a worker's stop closed the connections under a rejoin in flight).
 */
import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { describe, it } from "node:test";
import type { Consumer } from "@platformatic/kafka";
import { silentLogger } from "../../src/logger";
import { KafkaSubscription } from "../../src/transport/kafka/subscription";

class FakeConsumer extends EventEmitter {
  assignments = null;
  memberId = null;
  closed = false;
  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}

function subscribe(): { consumer: FakeConsumer; errors: Error[]; subscription: KafkaSubscription } {
  const consumer = new FakeConsumer();
  const errors: Error[] = [];
  const subscription = new KafkaSubscription(
    consumer as unknown as Consumer<Buffer, Buffer, Buffer, Buffer>,
    { topic: "events", groupId: "sink", from: new Map(), onBatch: () => Promise.resolve(), onError: (e) => errors.push(e) },
    silentLogger,
    () => undefined,
  );
  return { consumer, errors, subscription };
}

describe("a Kafka subscription's consumer errors", () => {
  it("ends the subscription with an error naming the group when the client's membership fails while consuming", async () => {
    const { consumer, errors } = subscribe();
    consumer.emit("error", Object.assign(new Error("Connection closed"), { code: "PLT_KFK_NETWORK", canRetry: true }));
    assert.equal(errors.length, 1);
    assert.match(errors[0].message, /group sink/);
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    assert.equal(consumer.closed, true, "the consumer is closed");
  });

  it("ignores an error the client emits while the subscription is stopping, instead of crashing the process", async () => {
    const { consumer, errors, subscription } = subscribe();
    const stopping = subscription.stop();
    assert.doesNotThrow(() => consumer.emit("error", new Error("Connection closed")));
    await stopping;
    assert.deepEqual(errors, []);
  });
});
