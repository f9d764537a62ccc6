import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BatchingPublisher } from "../../src/api";
import { BackpressureError, PublishTimeoutError, TransportError } from "../../src/errors";
import { silentLogger } from "../../src/logger";
import { FakeClock, FakeProducer, settle } from "./fakes";

function setup(overrides: Partial<{ lingerMs: number; maxBatch: number; maxQueue: number; timeoutMs: number }> = {}) {
  const clock = new FakeClock();
  const producer = new FakeProducer();
  const fates: { stored: string[]; lost: string[] }[] = [];
  const publisher = new BatchingPublisher<string>({
    producer,
    topic: "events",
    lingerMs: 5,
    maxBatch: 3,
    maxQueue: 10,
    timeoutMs: 1000,
    ...overrides,
    clock,
    logger: silentLogger,
    onFate: (stored, lost) => fates.push({ stored, lost }),
  });
  const outcomes = new Map<string, string>();
  const publish = (value: string) =>
    publisher.publish({ key: "p", value }, value).then(
      () => void outcomes.set(value, "stored"),
      (e: Error) => void outcomes.set(value, e.constructor.name),
    );
  return { clock, producer, publisher, fates, outcomes, publish };
}

describe("batching publisher", () => {
  it("waits for the linger before sending a batch smaller than maxBatch", async () => {
    const { clock, producer, publish } = setup();
    void publish("a");
    void publish("b");
    clock.advance(4);
    assert.equal(producer.sends.length, 0);
    clock.advance(1);
    assert.equal(producer.sends.length, 1);
    assert.deepEqual(producer.sends[0].messages.map((m) => m.value), ["a", "b"]);
  });

  it("sends at once when maxBatch events wait, keeping the rest for the next batch", async () => {
    const { clock, producer, publish } = setup();
    for (const v of ["a", "b", "c", "d"]) void publish(v);
    assert.equal(producer.sends.length, 1);
    assert.deepEqual(producer.sends[0].messages.map((m) => m.value), ["a", "b", "c"]);
    producer.sends[0].ack();
    await settle();
    // What queued during the flight leaves as soon as the batch lands.
    assert.equal(producer.sends.length, 2);
    assert.deepEqual(producer.sends[1].messages.map((m) => m.value), ["d"]);
    clock.advance(0);
  });

  it("answers each request only when its batch is acknowledged, and reports them stored", async () => {
    const { clock, producer, fates, outcomes, publish } = setup();
    void publish("a");
    clock.advance(5);
    await settle();
    assert.equal(outcomes.size, 0);
    producer.sends[0].ack();
    await settle();
    assert.equal(outcomes.get("a"), "stored");
    assert.deepEqual(fates, [{ stored: ["a"], lost: [] }]);
  });

  it("keeps the message key, so one player's events stay in order", async () => {
    const { clock, producer, publisher } = setup();
    void publisher.publish({ key: "player-7", value: "x" });
    clock.advance(5);
    assert.equal(producer.sends[0].messages[0].key, "player-7");
  });

  it("refuses with BackpressureError beyond maxQueue events waiting or in flight", async () => {
    const { producer, fates, outcomes, publish } = setup({ maxQueue: 4 });
    for (const v of ["a", "b", "c", "d", "e"]) void publish(v);
    await settle();
    assert.equal(outcomes.get("e"), "BackpressureError");
    assert.deepEqual(fates, [{ stored: [], lost: ["e"] }]);
    producer.sends[0].ack();
    await settle();
    void publish("f");
    await settle();
    assert.equal(outcomes.has("f"), false, "room again once a batch landed");
  });

  it("fails a request with PublishTimeoutError when the log does not answer in time, and withdraws it", async () => {
    const { clock, producer, fates, outcomes, publish } = setup({ maxBatch: 1 });
    void publish("a"); // in flight, never acknowledged
    void publish("b"); // queued behind it
    clock.advance(1000);
    await settle();
    assert.equal(outcomes.get("a"), "PublishTimeoutError");
    assert.equal(outcomes.get("b"), "PublishTimeoutError");
    // b never left: it is reported lost; a's fate waits for its batch.
    assert.deepEqual(fates, [{ stored: [], lost: ["b"] }]);
    producer.sends[0].ack();
    await settle();
    assert.deepEqual(fates[1], { stored: ["a"], lost: [] });
    assert.equal(producer.sends.length, 1, "the withdrawn event is never sent");
  });

  it("fails the batch and everything queued behind it when a send fails, newest first", async () => {
    const { producer, fates, outcomes, publish } = setup();
    for (const v of ["a", "b", "c", "d", "e"]) void publish(v);
    producer.sends[0].fail();
    await settle();
    for (const v of ["a", "b", "c", "d", "e"]) assert.equal(outcomes.get(v), "TransportError");
    assert.deepEqual(fates, [{ stored: [], lost: ["e", "d", "c", "b", "a"] }]);
  });

  it("reports a failed send as a retriable TransportError", async () => {
    const { clock, producer, publisher } = setup();
    const result = publisher.publish({ value: "a" });
    clock.advance(5);
    producer.sends[0].fail(new Error("disk full"));
    await assert.rejects(result, (e: unknown) => e instanceof TransportError && e.retriable && !(e instanceof BackpressureError));
  });

  it("on close sends what was accepted without waiting for the linger, then refuses new events", async () => {
    const { producer, publisher, outcomes, publish } = setup({ lingerMs: 10_000 });
    void publish("a");
    const closed = publisher.close();
    assert.equal(producer.sends.length, 1);
    producer.sends[0].ack();
    await closed;
    assert.equal(outcomes.get("a"), "stored");
    await assert.rejects(publisher.publish({ value: "late" }), TransportError);
  });

  it("close resolves within the timeout even when the log never answers", async () => {
    const { clock, publisher, outcomes, publish } = setup();
    void publish("a");
    const closed = publisher.close();
    clock.advance(1000);
    await closed;
    assert.equal(outcomes.get("a"), "PublishTimeoutError");
    assert.ok(PublishTimeoutError);
  });
});
