import { test } from "node:test";
import assert from "node:assert/strict";
import { fromDataFrame, toDataFrame } from "../../src/report/frame";

const result = {
  columns: [{ name: "player_id", type: "varchar" }, { name: "spend", type: "bigint" }],
  rows: [{ player_id: "a", spend: 90 }, { player_id: "b", spend: 10 }, { player_id: "c", spend: 0 }],
};

test("a query result becomes a dataframe with the same columns and values, and comes back unchanged", () => {
  const df = toDataFrame(result);
  assert.deepEqual(df.columns, ["player_id", "spend"]);
  assert.deepEqual(df.shape, [3, 2]);
  assert.deepEqual(fromDataFrame(df).rows, result.rows);
});

test("danfo describes a column (count, mean, max) of a converted result", () => {
  const summary = fromDataFrame(toDataFrame(result).loc({ columns: ["spend"] }).describe(), { indexAs: "statistic" });
  const stats = Object.fromEntries(summary.rows.map((r) => [r.statistic, r.spend]));
  assert.equal(stats.count, 3);
  assert.ok(Math.abs((stats.mean as number) - 100 / 3) < 1e-9);
  assert.equal(stats.max, 90);
});

test("an empty result gives an empty dataframe with its columns", () => {
  const df = toDataFrame({ columns: result.columns, rows: [] });
  assert.deepEqual(df.columns, ["player_id", "spend"]);
  assert.equal(df.shape[0], 0);
});
