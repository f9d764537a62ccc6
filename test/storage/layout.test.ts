import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { dtOf, filePath, parseDtFolder, partitionDir, partitionFolder, tableDir, visibleFilesGlob } from "../../src/storage";

describe("warehouse layout", () => {
  it("lays a table out as <root>/<table>/dt=YYYY-MM-DD/<file>", () => {
    assert.equal(tableDir("/w", "events"), "/w/events");
    assert.equal(partitionDir("/w", "events", "2026-11-27"), "/w/events/dt=2026-11-27");
    assert.equal(filePath("/w", "events", "2026-11-27", "a.parquet"), "/w/events/dt=2026-11-27/a.parquet");
  });

  it("parses back the dt of a partition folder, and nothing else", () => {
    assert.equal(parseDtFolder(partitionFolder("2026-11-27")), "2026-11-27");
    assert.equal(parseDtFolder("dt=2026-11-27"), "2026-11-27");
    assert.equal(parseDtFolder("dt=tomorrow"), null);
    assert.equal(parseDtFolder("_dt=2026-11-27"), null);
  });

  it("takes dt from the UTC date", () => {
    assert.equal(dtOf(Date.UTC(2026, 11, 31, 23, 59, 59, 999)), "2026-12-31");
    assert.equal(dtOf(Date.UTC(2027, 0, 1)), "2027-01-01");
    assert.equal(dtOf(-1), "1969-12-31");
  });

  it("globs only committed files of dt partitions on DuckDB", () => {
    assert.equal(visibleFilesGlob("/w/events/"), "/w/events/dt=*/[!._]*.parquet");
  });
});
