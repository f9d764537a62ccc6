import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BatchingPublisher } from "../../src/api";
import { BackpressureError, TransportError } from "../../src/errors";
import { silentLogger } from "../../src/logger";
import type { OutgoingMessage } from "../../src/transport";
import { FakeClock, FakeProducer, settle } from "./fakes";

function setup(overrides: Partial<{ lingerMs: number; maxBatch: number; maxInFlight: number; maxQueue: number; timeoutMs: number }> = {}) {
  const clock = new FakeClock();
  const producer = new FakeProducer();
  const fates: { stored: string[]; lost: string[] }[] = [];
  const publisher = new BatchingPublisher<string>({
    producer,
    topic: "events",
    lingerMs: 5,
    maxBatch: 3,
    maxInFlight: 1,
    maxQueue: 10,
    timeoutMs: 1000,
    ...overrides,
    clock,
    logger: silentLogger,
    onFate: (stored, lost) => fates.push({ stored, lost }),
  });
  const outcomes = new Map<string, string>();
  const publish = (value: string, key = "p") =>
    publisher.publish({ key, value }, value).then(
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

  it("sends one player's events under its key in the order they were published, across batches and out-of-order acks", async () => {
    const { clock, producer, publish } = setup({ maxInFlight: 3, maxBatch: 2 });
    const published = [["p7-1", "player-7"], ["o-1", "other"], ["p7-2", "player-7"], ["p7-3", "player-7"], ["q-1", "quinn"],
      ["p7-4", "player-7"], ["p7-5", "player-7"], ["o-2", "other"], ["p7-6", "player-7"]];
    for (const [value, key] of published) void publish(value, key);
    // The log takes a batch when it acknowledges it. Flights in the air are acknowledged newest
    // first, round after round: two flights holding the same player would land reversed.
    const log: OutgoingMessage[] = [];
    const acked = new Set<object>();
    for (let round = 0; round < published.length && log.length < published.length; round++) {
      clock.advance(5);
      for (const send of [...producer.sends].reverse().filter((s) => !acked.has(s))) {
        acked.add(send);
        log.push(...send.messages);
        send.ack();
      }
      await settle();
    }
    assert.equal(log.length, published.length, "every event sent once");
    for (const m of log) assert.equal(m.key, published.find(([value]) => value === m.value)?.[1], `${String(m.value)} under its player's key`);
    assert.deepEqual(log.filter((m) => m.key === "player-7").map((m) => m.value), ["p7-1", "p7-2", "p7-3", "p7-4", "p7-5", "p7-6"]);
    assert.ok(producer.sends.length >= 5, "maxBatch 2 split the events into several batches");
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

  it("flies up to maxInFlight batches at once when their players differ", async () => {
    const { clock, producer, fates, outcomes, publish } = setup({ maxInFlight: 2 });
    void publish("a1", "alice");
    clock.advance(5);
    void publish("b1", "bob");
    clock.advance(5);
    void publish("c1", "carol");
    clock.advance(5);
    assert.deepEqual(producer.sends.map((s) => s.messages.map((m) => m.value)), [["a1"], ["b1"]], "the third waits for a free flight");
    producer.sends[1].ack();
    await settle();
    assert.equal(outcomes.get("b1"), "stored", "acknowledged out of send order, answered at once");
    assert.deepEqual(producer.sends[2].messages.map((m) => m.value), ["c1"], "the queue leaves as soon as a flight lands");
    producer.sends[0].ack();
    producer.sends[2].ack();
    await settle();
    assert.deepEqual(fates.map((f) => f.stored), [["b1"], ["a1"], ["c1"]]);
  });

  it("never has one player's events in two flights: later ones wait for the earlier batch to land, in order", async () => {
    const { clock, producer, publish } = setup({ maxInFlight: 4, maxBatch: 10 });
    void publish("a1", "alice");
    clock.advance(5);
    for (const [v, k] of [["a2", "alice"], ["b1", "bob"], ["a3", "alice"], ["b2", "bob"]]) void publish(v, k);
    clock.advance(5);
    const values = () => producer.sends.map((s) => s.messages.map((m) => m.value));
    assert.deepEqual(values(), [["a1"], ["b1", "b2"]]);
    producer.sends[0].ack();
    await settle();
    assert.deepEqual(values()[2], ["a2", "a3"]);
  });

  it("keeps a player whose events maxBatch splits out of a second flight until the first lands", async () => {
    const { clock, producer, publish } = setup({ maxInFlight: 2, maxBatch: 2 });
    void publish("x1", "xavier");
    clock.advance(5);
    void publish("y1", "yara");
    clock.advance(5);
    for (const [v, k] of [["a1", "alice"], ["a2", "alice"], ["a3", "alice"], ["b1", "bob"]]) void publish(v, k);
    const values = () => producer.sends.map((s) => s.messages.map((m) => m.value));
    producer.sends[0].ack();
    await settle();
    assert.deepEqual(values().slice(2), [["a1", "a2"]]);
    producer.sends[1].ack();
    await settle();
    assert.deepEqual(values().slice(3), [["b1"]], "a3 stays queued while alice is in flight");
    producer.sends[2].ack();
    await settle();
    assert.deepEqual(values().slice(4), [["a3"]]);
  });

  it("when a flight fails, fails it and the queue newest first; other flights keep their own fate", async () => {
    const { clock, producer, fates, outcomes, publish } = setup({ maxInFlight: 2 });
    void publish("a1", "alice");
    clock.advance(5);
    void publish("b1", "bob");
    clock.advance(5);
    void publish("a2", "alice");
    void publish("c1", "carol");
    producer.sends[0].fail();
    await settle();
    assert.deepEqual(fates, [{ stored: [], lost: ["c1", "a2", "a1"] }]);
    for (const v of ["a1", "a2", "c1"]) assert.equal(outcomes.get(v), "TransportError");
    assert.equal(outcomes.has("b1"), false);
    producer.sends[1].ack();
    await settle();
    assert.equal(outcomes.get("b1"), "stored");
    assert.deepEqual(fates[1], { stored: ["b1"], lost: [] });
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

  it("close resolves at the timeout even when the log never answers, failing what it waited for", async () => {
    const { clock, publisher, outcomes, publish } = setup();
    void publish("a");
    let closed = false;
    void publisher.close().then(() => (closed = true));
    clock.advance(999);
    await settle();
    assert.equal(closed, false, "close waits for the request it accepted");
    clock.advance(1);
    await settle();
    assert.equal(closed, true, "close resolved once the request timed out");
    assert.equal(outcomes.get("a"), "PublishTimeoutError");
  });
});
