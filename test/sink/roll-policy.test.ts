import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { addToBuffer, EMPTY_BUFFER, nextCheckIn, rollReason } from "../../src/sink/roll-policy";

const policy = { maxRows: 100, maxBytes: 10_000, intervalMs: 2000 };

describe("roll policy", () => {
  it("never rolls an empty buffer, however old", () => {
    assert.equal(rollReason(EMPTY_BUFFER, 1e12, policy), null);
  });

  it("rolls when maxRows is reached", () => {
    const s = addToBuffer(EMPTY_BUFFER, 100, 500, 0);
    assert.equal(rollReason(s, 1, policy), "rows");
    assert.equal(rollReason(addToBuffer(EMPTY_BUFFER, 99, 500, 0), 1, policy), null);
  });

  it("rolls when maxBytes is reached", () => {
    assert.equal(rollReason(addToBuffer(EMPTY_BUFFER, 3, 10_000, 0), 1, policy), "bytes");
  });

  it("rolls on the wall-clock interval counted from the first buffered record, with no new records", () => {
    let s = addToBuffer(EMPTY_BUFFER, 1, 10, 1000);
    s = addToBuffer(s, 1, 10, 2500);
    assert.equal(rollReason(s, 2999, policy), null);
    assert.equal(rollReason(s, 3000, policy), "interval");
  });

  it("tells the timer when the interval can next fire", () => {
    assert.equal(nextCheckIn(EMPTY_BUFFER, 5000, policy), 2000);
    assert.equal(nextCheckIn(addToBuffer(EMPTY_BUFFER, 1, 1, 1000), 2500, policy), 500);
    assert.equal(nextCheckIn(addToBuffer(EMPTY_BUFFER, 1, 1, 0), 9000, policy), 10);
  });

  it("adding nothing leaves the buffer as it was", () => {
    assert.equal(addToBuffer(EMPTY_BUFFER, 0, 0, 5), EMPTY_BUFFER);
  });
});
