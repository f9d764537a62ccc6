import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { TABLES } from "../../src/events";
import { canPackPlain, FIELD_SEPARATOR, NULL_MARK, packJson, packPlain, stageDdl, stageLayout } from "../../src/sink/parquet/schema";

describe("staging layout", () => {
  it("stages every column of every table once: strings packed, numbers as DOUBLE columns", () => {
    const layout = stageLayout(TABLES);
    const all = new Set(TABLES.flatMap((t) => t.columns.map((c) => c.name)));
    assert.deepEqual(new Set([...layout.strings, ...layout.numbers]), all);
    for (const t of TABLES) {
      for (const c of t.columns) assert.equal(layout.strings.includes(c.name), c.type === "string", `${t.name}.${c.name}`);
    }
    const ddl = stageDdl("s", layout);
    for (const n of layout.numbers) assert.match(ddl, new RegExp(`"${n}" DOUBLE`));
  });

  it("refuses tables that give one column two types", () => {
    const [events] = TABLES;
    const clash = { ...events, name: "clash", columns: events.columns.map((c) => (c.name === "status" ? { ...c, type: "string" as const } : c)) };
    assert.throws(() => stageLayout([events, clash]), /status/);
  });
});

describe("packing string values", () => {
  it("joins values with the separator and marks NULLs, keeping empty strings", () => {
    assert.equal(packPlain(["a", null, "", "b c"]), ["a", NULL_MARK, "", "b c"].join(FIELD_SEPARATOR));
  });

  it("says plain packing cannot hold values containing the separator or the NULL mark", () => {
    assert.equal(canPackPlain(["a", null, "é😀\\\"\n"]), true);
    assert.equal(canPackPlain(["a", `x${FIELD_SEPARATOR}y`]), false);
    assert.equal(canPackPlain([NULL_MARK]), false);
  });

  it("packs as a JSON array otherwise, replacing lone surrogates with U+FFFD", () => {
    const text = packJson(["a\u001fb", null, "x\ud800y", "😀"]);
    assert.deepEqual(JSON.parse(text), ["a\u001fb", null, "x\ufffdy", "😀"]);
  });
});
