import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { DuckDbEngine, queriesRoot, referenceQueries } from "../../src/query";
import { LocalStorage } from "../../src/storage";
import { runReferenceSuite } from "./reference-suite";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "reference-"));
runReferenceSuite("DuckDB", {
  open: async () => ({ engine: await DuckDbEngine.open(), storage: new LocalStorage(root) }),
  cleanup: async () => fs.rmSync(root, { recursive: true, force: true }),
});

describe("reference query files", () => {
  it("keeps the user's 13 queries verbatim, in order", () => {
    // sha256 of the user's seed_queries.sql: the files, joined, are that file byte for byte.
    const joined = referenceQueries("trino").map((q) => q.sql).join("\n");
    assert.equal(createHash("sha256").update(joined).digest("hex"), "77d3a3f4bef15f525170f1e74edf7778e510ae84ba500a2afd8f01255afa24c5");
    const queries = referenceQueries("trino");
    assert.equal(queries.length, 13);
    assert.deepEqual(queries.map((q) => q.id), Array.from({ length: 13 }, (_, i) => String(i + 1).padStart(2, "0")));
    assert.ok(queries.every((q) => q.file.includes(`${path.sep}reference${path.sep}`)));
    assert.match(queries[4].sql, /group by distinct host/);
  });

  it("uses a DuckDB equivalent only where the dialect differs, documented in queries/README.md", () => {
    const duck = referenceQueries("duckdb").filter((q) => q.file.includes("reference-duckdb")).map((q) => q.id);
    assert.deepEqual(duck, ["01", "02", "05", "06", "07", "08"]);
    const readme = fs.readFileSync(path.join(queriesRoot(), "README.md"), "utf8");
    for (const id of duck) assert.match(readme, new RegExp(`\\b${id}\\b`));
  });
});
