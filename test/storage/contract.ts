/**
 * The Storage contract: local disk and HDFS (WebHDFS) run this same suite. Each run works in
 * its own fresh folder under the storage root.
 */
import assert from "node:assert/strict";
import { randomBytes, randomUUID } from "node:crypto";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { NotFoundInStorageError } from "../../src/errors";
import type { Storage } from "../../src/storage";

export interface StorageFixture {
  /** A ready storage; called once per suite. */
  open(): Promise<Storage>;
  cleanup?(): Promise<void>;
}

const names = (entries: { name: string }[]) => entries.map((e) => e.name).sort();

export function runStorageContract(name: string, fixture: StorageFixture): void {
  describe(`Storage contract: ${name}`, () => {
    let storage: Storage;
    let base: string;
    const at = (...parts: string[]) => path.posix.join(base, ...parts);

    before(async () => {
      storage = await fixture.open();
      base = path.posix.join(storage.root, `contract-${randomUUID().slice(0, 8)}`);
    });
    after(async () => {
      await storage?.delete(base).catch(() => undefined);
      await fixture.cleanup?.();
    });

    it("reads back exactly the bytes written, creating parent folders", async () => {
      const bytes = randomBytes(300_000);
      bytes[0] = 0;
      bytes[1] = 0xff;
      await storage.writeFile(at("deep", "dt=2026-01-01", "a+0+0001.parquet"), bytes);
      assert.deepEqual(await storage.readFile(at("deep", "dt=2026-01-01", "a+0+0001.parquet")), bytes);
      await storage.writeFile(at("text.txt"), "héllo\n");
      assert.equal((await storage.readFile(at("text.txt"))).toString("utf8"), "héllo\n");
    });

    it("replaces an existing file on write", async () => {
      await storage.writeFile(at("replace.bin"), "first, longer content");
      await storage.writeFile(at("replace.bin"), "second");
      assert.equal((await storage.readFile(at("replace.bin"))).toString(), "second");
    });

    it("reports a missing file as not found, not retriable", async () => {
      await assert.rejects(storage.readFile(at("missing.bin")), (e: unknown) => e instanceof NotFoundInStorageError && !e.retriable);
    });

    it("renames a file into a new folder, leaving nothing at the old name", async () => {
      await storage.writeFile(at("tmp", ".part.parquet"), "payload");
      assert.equal(await storage.rename(at("tmp", ".part.parquet"), at("final", "dt=2026-01-02", "t+0+1+2.parquet")), true);
      assert.equal(await storage.exists(at("tmp", ".part.parquet")), false);
      assert.equal((await storage.readFile(at("final", "dt=2026-01-02", "t+0+1+2.parquet"))).toString(), "payload");
    });

    it("renames into a folder again after that folder was deleted", async () => {
      await storage.writeFile(at("again", "a"), "first");
      assert.equal(await storage.rename(at("again", "a"), at("again-final", "dt=2026-01-03", "a")), true);
      await storage.delete(at("again-final"));
      await storage.writeFile(at("again", "b"), "second");
      assert.equal(await storage.rename(at("again", "b"), at("again-final", "dt=2026-01-03", "b")), true);
      assert.equal((await storage.readFile(at("again-final", "dt=2026-01-03", "b"))).toString(), "second");
    });

    it("refuses to rename onto an existing file and changes nothing", async () => {
      await storage.writeFile(at("r", "from"), "new");
      await storage.writeFile(at("r", "to"), "old");
      assert.equal(await storage.rename(at("r", "from"), at("r", "to")), false);
      assert.equal((await storage.readFile(at("r", "to"))).toString(), "old");
      assert.equal((await storage.readFile(at("r", "from"))).toString(), "new");
    });

    it("refuses to rename onto an existing folder instead of moving into it", async () => {
      await storage.writeFile(at("rd", "file"), "x");
      await storage.mkdirs(at("rd", "folder"));
      assert.equal(await storage.rename(at("rd", "file"), at("rd", "folder")), false);
      assert.deepEqual(names(await storage.list(at("rd", "folder"))), []);
      assert.equal(await storage.exists(at("rd", "file")), true);
    });

    it("renames a folder with its contents", async () => {
      await storage.writeFile(at("fold", "a", "x.txt"), "x");
      assert.equal(await storage.rename(at("fold", "a"), at("fold", "b")), true);
      assert.equal((await storage.readFile(at("fold", "b", "x.txt"))).toString(), "x");
      assert.equal(await storage.exists(at("fold", "a")), false);
    });

    it("fails a rename of a missing source with not found", async () => {
      await assert.rejects(storage.rename(at("nothing-here"), at("somewhere")), NotFoundInStorageError);
    });

    it("lists files and folders with sizes, including names starting with '.' or '_'", async () => {
      await storage.writeFile(at("ls", "data.parquet"), "12345");
      await storage.writeFile(at("ls", ".tmp-1.parquet"), "1");
      await storage.writeFile(at("ls", "_temporary", "x"), "1");
      await storage.mkdirs(at("ls", "dt=2026-01-03"));
      const entries = await storage.list(at("ls"));
      assert.deepEqual(names(entries), [".tmp-1.parquet", "_temporary", "data.parquet", "dt=2026-01-03"]);
      const data = entries.find((e) => e.name === "data.parquet")!;
      assert.equal(data.size, 5);
      assert.equal(data.isDirectory, false);
      assert.equal(data.path, at("ls", "data.parquet"));
      assert.ok(data.modifiedAt > Date.now() - 3_600_000);
      assert.equal(entries.find((e) => e.name === "dt=2026-01-03")!.isDirectory, true);
    });

    it("lists a missing folder as empty", async () => {
      assert.deepEqual(await storage.list(at("no", "such", "dir")), []);
    });

    it("creates folders idempotently", async () => {
      await storage.mkdirs(at("mk", "a", "b"));
      await storage.mkdirs(at("mk", "a", "b"));
      assert.equal(await storage.exists(at("mk", "a", "b")), true);
      assert.deepEqual(names(await storage.list(at("mk", "a"))), ["b"]);
    });

    it("deletes a folder recursively and says whether anything was there", async () => {
      await storage.writeFile(at("del", "x", "y", "z.bin"), "z");
      await storage.writeFile(at("del", "top.bin"), "t");
      assert.equal(await storage.delete(at("del")), true);
      assert.equal(await storage.exists(at("del")), false);
      assert.equal(await storage.delete(at("del")), false);
    });

    it("deletes a single file", async () => {
      await storage.writeFile(at("one", "f.bin"), "f");
      assert.equal(await storage.delete(at("one", "f.bin")), true);
      assert.deepEqual(await storage.list(at("one")), []);
    });

    it("gives SQL engines a URI naming the path", () => {
      const uri = storage.uri(at("t", "dt=2026-01-01"));
      assert.match(uri, /^(file|hdfs):\/\//);
      assert.ok(decodeURI(uri).endsWith(at("t", "dt=2026-01-01")), uri);
    });
  });
}
