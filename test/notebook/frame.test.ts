import { test } from "node:test";
import assert from "node:assert/strict";
import { isFrame, loadDanfo, rows, toFrame } from "../../src/notebook/frame";

const result = {
  columns: [{ name: "player_id", type: "varchar" }, { name: "spend", type: "bigint" }, { name: "bucket", type: "timestamp(3)" }],
  rows: [
    { player_id: "a", spend: "90", bucket: "2026-11-27T18:00:00.000Z" },
    { player_id: "b", spend: 10, bucket: "2026-11-27 18:01:00.000" },
    { player_id: "c", spend: null, bucket: null },
  ],
};

test("a query result becomes a frame with its columns, counts as numbers and timestamps as dates", () => {
  const df = toFrame(result);
  assert.deepEqual(df.columns, ["player_id", "spend", "bucket"]);
  assert.deepEqual(df.shape, [3, 3]);
  assert.deepEqual(df.column("spend").values, [90, 10, null]);
  // Danfo's types know no Date cells: what the frame holds is checked here.
  const buckets: unknown[] = df.column("bucket").values;
  assert.ok(buckets[0] instanceof Date && buckets[1] instanceof Date);
  assert.deepEqual(buckets.map((d) => (d instanceof Date ? d.toISOString() : d)), ["2026-11-27T18:00:00.000Z", "2026-11-27T18:01:00.000Z", null]);
});

test("an empty result gives an empty frame with its columns", () => {
  const df = toFrame({ columns: result.columns, rows: [] });
  assert.deepEqual(df.columns, ["player_id", "spend", "bucket"]);
  assert.equal(df.shape[0], 0);
});

test("rows() gives plain objects, with a labelled index (describe()) as the first key", () => {
  const df = toFrame({ columns: result.columns.slice(0, 2), rows: result.rows.slice(0, 2) });
  assert.deepEqual(rows(df), [{ player_id: "a", spend: 90 }, { player_id: "b", spend: 10 }]);
  const stats = rows(df.loc({ columns: ["spend"] }).describe(), "statistic");
  assert.deepEqual(stats.find((r) => r.statistic === "max"), { statistic: "max", spend: 90 });
  assert.equal(stats.find((r) => r.statistic === "mean")?.spend, 50);
});

test("frames from a group-by count as frames (danfojs builds them from a second copy of its classes)", () => {
  const dfd = loadDanfo();
  const df = new dfd.DataFrame([{ k: "x", v: 1 }, { k: "x", v: 2 }, { k: "y", v: 5 }]);
  const grouped = df.groupby(["k"]).agg({ v: "sum" });
  assert.equal(isFrame(grouped), true);
  assert.equal(isFrame(df["v"]), true);
  assert.equal(isFrame({ columns: [] }), false);
  assert.deepEqual(rows(grouped), [{ k: "x", v_sum: 3 }, { k: "y", v_sum: 5 }]);
});
