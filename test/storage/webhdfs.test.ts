import assert from "node:assert/strict";
import * as net from "node:net";
import { after, before, describe, it } from "node:test";
import { loadConfig } from "../../src/config";
import { StorageError } from "../../src/errors";
import { createStorage, WebHdfsStorage } from "../../src/storage";
import { runStorageContract } from "./contract";
import { startFakeWebHdfs, type FakeWebHdfs } from "./fake-webhdfs";

let shared: FakeWebHdfs;
runStorageContract("WebHDFS client against an in-memory WebHDFS", {
  open: async () => {
    shared = await startFakeWebHdfs();
    return new WebHdfsStorage({ url: shared.url, hdfsUri: "hdfs://nn:9000", user: "hive", root: "/warehouse" });
  },
  cleanup: async () => shared.close(),
});

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((r) => server.close(r));
  return port;
}

const isStorageError = (retriable: boolean, pattern: RegExp) => (e: unknown) => {
  assert.ok(e instanceof StorageError, String(e));
  assert.equal(e.retriable, retriable, e.message);
  assert.match(e.message, pattern);
  return true;
};

describe("WebHDFS client errors", () => {
  let fake: FakeWebHdfs;
  let storage: WebHdfsStorage;
  before(async () => {
    fake = await startFakeWebHdfs();
    storage = new WebHdfsStorage({ url: fake.url, hdfsUri: "hdfs://nn:9000", user: "hive", root: "/w", timeoutMs: 300 });
  });
  after(async () => fake.close());

  it("says a NameNode in safe mode is worth retrying", async () => {
    fake.failNext(403, "SafeModeException");
    await assert.rejects(storage.mkdirs("/w/a"), isStorageError(true, /SafeModeException/));
  });

  it("says a permission refusal is not worth retrying", async () => {
    fake.failNext(403, "AccessControlException");
    await assert.rejects(storage.writeFile("/w/a/f", "x"), isStorageError(false, /AccessControlException/));
  });

  it("says a server error is worth retrying", async () => {
    fake.failNext(500, "IOException");
    await assert.rejects(storage.list("/w"), isStorageError(true, /HTTP 500/));
  });

  it("times out a NameNode that does not answer, as retriable", async () => {
    fake.delayMs = 1000;
    try {
      await assert.rejects(storage.exists("/w"), isStorageError(true, /timed out/));
    } finally {
      fake.delayMs = 0;
    }
  });

  it("reports a refused connection as retriable, naming the address", async () => {
    const port = await closedPort();
    const down = new WebHdfsStorage({ url: `http://127.0.0.1:${port}`, hdfsUri: "hdfs://nn:9000", user: "hive", root: "/w" });
    await assert.rejects(down.readFile("/w/x"), isStorageError(true, new RegExp(`127\\.0\\.0\\.1:${port}.*ECONNREFUSED`)));
  });

  it("names tables by the hdfs:// URI the SQL engines use", () => {
    assert.equal(storage.uri("/w/events"), "hdfs://nn:9000/w/events");
  });

  it("is what STORAGE=hdfs creates, from the config", () => {
    const config = loadConfig({ STORAGE: "hdfs", WEBHDFS_URL: fake.url, HDFS_URI: "hdfs://h:1/" });
    const created = createStorage(config.storage);
    assert.equal(created.kind, "hdfs");
    assert.equal(created.root, "/warehouse");
    assert.equal(created.uri("/warehouse/t"), "hdfs://h:1/warehouse/t");
  });
});
