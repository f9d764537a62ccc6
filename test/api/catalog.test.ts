import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { costOf, loadCatalog, parseCatalog } from "../../src/api";
import { loadConfig } from "../../src/config";
import { ConfigError } from "../../src/errors";

const write = (text: string) => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "catalog-")), "catalog.json");
  fs.writeFileSync(file, text);
  return file;
};

describe("catalogue", () => {
  it("loads the shipped config/catalog.json with its swords, shields and guilds", () => {
    const catalog = loadCatalog(loadConfig({}).api.catalogFile, 64);
    assert.equal(costOf(catalog, "sword", "sabre"), 6);
    assert.equal(costOf(catalog, "shield", "mirror_shield"), 42);
    assert.equal(costOf(catalog, "sword", "mirror_shield"), undefined);
    assert.ok(catalog.guilds.includes("house_stark"));
  });

  it("names the file when it is missing or not JSON", () => {
    assert.throws(() => loadCatalog("/nonexistent/catalog.json", 64), (e: Error) => e instanceof ConfigError && e.message.includes("/nonexistent/catalog.json"));
    const file = write("{ swords: ");
    assert.throws(() => loadCatalog(file, 64), (e: Error) => e instanceof ConfigError && e.message.includes(file) && /JSON/.test(e.message));
  });

  it("rejects negative or non-integer costs, naming the item", () => {
    assert.throws(() => parseCatalog({ swords: { sabre: -1 }, shields: { buckler: 6 } }, 64), /swords\.sabre/);
    assert.throws(() => parseCatalog({ swords: { sabre: "6" }, shields: { buckler: 6 } }, 64), /swords\.sabre/);
  });

  it("rejects item and guild names outside the API's safe set, so every item can be bought", () => {
    assert.throws(() => parseCatalog({ swords: { "bad name": 1 }, shields: { buckler: 6 } }, 64), /not a valid name/);
    assert.throws(() => parseCatalog({ swords: { sabre: 1 }, shields: { buckler: 6 }, guilds: ["x".repeat(65)] }, 64), /not a valid name/);
  });

  it("rejects a catalogue without swords or shields", () => {
    assert.throws(() => parseCatalog({ shields: { buckler: 6 } }, 64), /swords/);
    assert.throws(() => parseCatalog({ swords: {}, shields: { buckler: 6 } }, 64), /swords is empty/);
  });
});
