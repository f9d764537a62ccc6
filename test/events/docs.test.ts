import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { ALL_PAYLOAD_FIELDS, ENVELOPE, TABLES } from "../../src/events";
import { contractMarkdown } from "../../src/events/docs";

describe("the contract's documentation", () => {
  it("names every wire field and every table column", () => {
    const doc = contractMarkdown();
    for (const f of [...ENVELOPE, ...ALL_PAYLOAD_FIELDS]) assert.ok(doc.includes(`| \`${f.json}\``), `field ${f.json} missing`);
    for (const t of TABLES) {
      const row = doc.split("\n").find((l) => l.startsWith(`| \`${t.name}\` |`));
      assert.ok(row, `table ${t.name} missing`);
      for (const c of t.columns) assert.ok(row.includes(`${c.name} ${c.type}`), `${t.name}.${c.name} missing`);
    }
  });

  it("is what the README shows", () => {
    const readme = fs.readFileSync(path.join(__dirname, "..", "..", "..", "README.md"), "utf8");
    const block = readme.match(/<!-- contract:begin -->\n([\s\S]*?)\n<!-- contract:end -->/);
    assert.ok(block, "README lacks the contract block");
    assert.equal(block[1], contractMarkdown(), "README contract block is stale: regenerate it with `node dist/src/bin/contract-docs.js`");
  });
});
