import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { committedPath, covers, fileName, parseFileName, tempPath } from "../../src/sink/naming";

describe("file naming", () => {
  const range = { topic: "events", partition: 3, start: 1200, end: 4711 };

  it("encodes topic, partition and the inclusive offset range, zero-padded to 20 digits", () => {
    assert.equal(fileName(range), "events+3+00000000000000001200+00000000000000004711.parquet");
  });

  it("parses back what it names, and nothing else", () => {
    assert.deepEqual(parseFileName(fileName(range)), range);
    assert.equal(parseFileName("part-0000.parquet"), null);
    assert.equal(parseFileName(`.${fileName(range)}`), null);
    assert.equal(parseFileName(fileName(range) + ".tmp"), null);
    assert.equal(parseFileName("events+3+00000000000000000009+00000000000000000001.parquet"), null, "start after end");
  });

  it("sorts file names in offset order", () => {
    const names = [9, 10, 100, 2].map((s) => fileName({ ...range, start: s, end: s }));
    assert.deepEqual([...names].sort(), [2, 9, 10, 100].map((s) => fileName({ ...range, start: s, end: s })));
  });

  it("places committed files in Hive dt folders and temp files under a folder engines skip", () => {
    assert.equal(committedPath("/w", "events", "2026-11-27", range), `/w/events/dt=2026-11-27/${fileName(range)}`);
    const temp = tempPath("/w", "_sink_tmp", "events", "2026-11-27", range);
    assert.match(temp, /^\/w\/_sink_tmp\//);
  });

  it("says when one range holds another", () => {
    assert.equal(covers(range, { ...range, start: 1300, end: 4711 }), true);
    assert.equal(covers(range, { ...range, end: 4712 }), false);
    assert.equal(covers(range, { ...range, partition: 4 }), false);
  });
});
