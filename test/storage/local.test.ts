import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { loadConfig } from "../../src/config";
import { createStorage, LocalStorage } from "../../src/storage";
import { runStorageContract } from "./contract";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "local-storage-"));

runStorageContract("local disk", {
  open: async () => new LocalStorage(root),
  cleanup: async () => fs.rmSync(root, { recursive: true, force: true }),
});

describe("local storage", () => {
  it("lets exactly one of two concurrent renames onto the same name win", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "local-race-"));
    const storage = new LocalStorage(dir);
    for (let round = 0; round < 20; round++) {
      await storage.writeFile(path.join(dir, `.a${round}`), "a");
      await storage.writeFile(path.join(dir, `.b${round}`), "b");
      const target = path.join(dir, `final${round}`);
      const wins = await Promise.all([storage.rename(path.join(dir, `.a${round}`), target), storage.rename(path.join(dir, `.b${round}`), target)]);
      assert.equal(wins.filter(Boolean).length, 1);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("names files with file:// URIs, escaping what needs escaping", () => {
    const storage = new LocalStorage("/data/warehouse");
    assert.equal(storage.uri("/data/warehouse/events/dt=2026-01-01"), "file:///data/warehouse/events/dt=2026-01-01");
    assert.equal(storage.uri("/data/a b"), "file:///data/a%20b");
  });

  it("is what the embedded configuration creates, rooted at the warehouse folder", () => {
    const storage = createStorage(loadConfig({ DATA_DIR: "/tmp/some-data" }, "/").storage);
    assert.equal(storage.kind, "local");
    assert.equal(storage.root, "/tmp/some-data/warehouse");
  });
});
