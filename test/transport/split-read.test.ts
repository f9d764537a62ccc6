import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { splitRead } from "../../src/transport/embedded/split-read";

describe("splitting an aggregated log read", () => {
  it("gives each record its offset, timestamp, key and exact bytes, as views into one buffer", () => {
    const values = Buffer.concat([Buffer.from("ab"), Buffer.from([0, 255, 10]), Buffer.alloc(0), Buffer.from("z")]);
    const records = splitRead("events", 3, { meta: "7,100,2,8,101,3,9,102,0,10,103,1", values, keys: ["k", null, "a,b", null] });
    assert.deepEqual(records.map((r) => [r.topic, r.partition, r.offset, r.timestamp, r.key]), [
      ["events", 3, 7, 100, "k"],
      ["events", 3, 8, 101, null],
      ["events", 3, 9, 102, "a,b"],
      ["events", 3, 10, 103, null],
    ]);
    assert.deepEqual(records.map((r) => [...r.value]), [[97, 98], [0, 255, 10], [], [122]]);
    assert.equal(records[1].value.buffer, values.buffer);
  });

  it("gives null keys when the read has none", () => {
    const records = splitRead("t", 0, { meta: "0,5,1", values: Buffer.from("x"), keys: null });
    assert.equal(records[0].key, null);
  });

  it("returns records in offset order even if the aggregate saw them in another order", () => {
    const records = splitRead("t", 0, { meta: "2,0,1,1,0,2", values: Buffer.from("abc"), keys: ["second", "first"] });
    assert.deepEqual(records.map((r) => [r.offset, r.value.toString(), r.key]), [[1, "bc", "first"], [2, "a", "second"]]);
  });

  it("refuses a read whose lengths do not add up to its bytes", () => {
    assert.throws(() => splitRead("t", 0, { meta: "0,0,5", values: Buffer.from("abc"), keys: null }), /inconsistent/);
  });

  it("reads the largest safe offset and negative timestamps exactly", () => {
    const records = splitRead("t", 0, { meta: "9007199254740990,-1,1,9007199254740991,1700000000123,2", values: Buffer.from("abc"), keys: null });
    assert.deepEqual(records.map((r) => [r.offset, r.timestamp, r.value.toString()]), [[9007199254740990, -1, "a"], [9007199254740991, 1700000000123, "bc"]]);
  });

  it("refuses numbers that are not plain integers, and a missing field", () => {
    for (const meta of ["0,x,1", "0,1.5,1", "0,,1", "0,1", "0,1,1,", "0,--1,1"]) {
      assert.throws(() => splitRead("t", 0, { meta, values: Buffer.from("a"), keys: null }), /inconsistent/, meta);
    }
  });
});
