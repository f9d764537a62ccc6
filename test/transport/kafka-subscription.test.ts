/**
 * What the Kafka subscription does with an 'error' the client emits on the consumer itself (a
 * rejoin that failed for good): a fake client, since the real one emits it only under rare timing
 * (seen when a worker's stop closed the connections under a rejoin in flight).
 */
import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { describe, it } from "node:test";
import type { Consumer } from "@platformatic/kafka";
import { silentLogger } from "../../src/logger";
import type { Ownership } from "../../src/transport";
import { KafkaSubscription } from "../../src/transport/kafka/subscription";
import { until } from "../sink/sink-process";

/** A message stream that never has a record. */
class IdleStream extends EventEmitter {
  destroyed = false;
  read(): null {
    return null;
  }
  close(): Promise<void> {
    this.destroyed = true;
    this.emit("close");
    return Promise.resolve();
  }
}

class FakeConsumer extends EventEmitter {
  assignments: { topic: string; partitions: number[] }[] | null = [{ topic: "events", partitions: [0, 1] }];
  memberId: string | null = "m-1";
  closed = false;
  streams: IdleStream[] = [];
  consume(): Promise<IdleStream> {
    const stream = new IdleStream();
    this.streams.push(stream);
    return Promise.resolve(stream);
  }
  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}

const retriable = () => Object.assign(new Error("Connection closed"), { code: "PLT_KFK_NETWORK", canRetry: true });

function subscribe(): { consumer: FakeConsumer; errors: Error[]; lost: number[][]; subscription: KafkaSubscription } {
  const consumer = new FakeConsumer();
  const errors: Error[] = [];
  const lost: number[][] = [];
  const ownership: Ownership = {
    assigned: (partitions) => Promise.resolve(new Map(partitions.map((p) => [p, 0]))),
    revoked: () => Promise.resolve(),
    lost: (partitions) => void lost.push([...partitions]),
  };
  const subscription = new KafkaSubscription(
    consumer as unknown as Consumer<Buffer, Buffer, Buffer, Buffer>,
    { topic: "events", groupId: "sink", from: new Map(), ownership, onBatch: () => Promise.resolve(), onError: (e) => errors.push(e) },
    silentLogger,
    () => undefined,
  );
  return { consumer, errors, lost, subscription };
}

/** Waits up to 5 s for `check`, failing with `what`. */
const waitFor = (check: () => boolean, what: string) => until(check, 5000, () => what);

describe("a Kafka subscription's consumer errors", () => {
  it("forgets its partitions and joins the group again when the client lost its membership for a retriable cause", async () => {
    const { consumer, errors, lost, subscription } = subscribe();
    await subscription.start();
    consumer.emit("consumer:group:join");
    // The first join's partitions are recovered and owned: a second stream opens at their positions.
    await waitFor(() => consumer.streams.length === 2, "the stream reopened after the takeover");
    consumer.emit("error", retriable());
    await waitFor(() => consumer.streams.length === 3, "a new stream (a new join)");
    assert.deepEqual(lost, [[0, 1]]);
    assert.equal(consumer.streams[1].destroyed, true, "the old stream is closed first, so the new one joins");
    assert.deepEqual(errors, []);
    await subscription.stop();
  });

  it("ends the subscription with an error naming the group when the cause cannot be retried", async () => {
    const { consumer, errors } = subscribe();
    consumer.emit("error", new Error("SASL authentication failed"));
    assert.equal(errors.length, 1);
    assert.match(errors[0].message, /group sink/);
    await waitFor(() => consumer.closed, "the consumer closed");
  });

  it("ignores an error the client emits while the subscription is stopping, instead of crashing the process", async () => {
    const { consumer, errors, subscription } = subscribe();
    const stopping = subscription.stop();
    assert.doesNotThrow(() => consumer.emit("error", retriable()));
    await stopping;
    assert.deepEqual(errors, []);
  });
});
