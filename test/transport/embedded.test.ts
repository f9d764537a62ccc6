import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { silentLogger } from "../../src/logger";
import { EmbeddedLog } from "../../src/transport";
import { runTransportContract } from "./contract";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "embedded-log-"));

runTransportContract("embedded log", {
  open: async () => new EmbeddedLog({ file: path.join(dir, "contract.db"), logger: silentLogger }),
  cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }),
});

describe("embedded log", () => {
  it("keeps acknowledged messages across a reopen of the file", async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "embedded-reopen-")), "log.db");
    const first = new EmbeddedLog({ file, logger: silentLogger });
    await first.ensureTopic("events", { partitions: 1 });
    const producer = await first.producer();
    await producer.send("events", [{ value: "one" }, { value: "two" }]);
    await first.close();
    const second = new EmbeddedLog({ file, logger: silentLogger });
    assert.equal((await second.endOffsets("events")).get(0), 2);
    const p2 = await second.producer();
    await p2.send("events", [{ value: "three" }]);
    assert.equal((await second.endOffsets("events")).get(0), 3);
    await second.close();
  });

  it("fails a send with a retriable error when the file is locked by another writer", async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "embedded-lock-")), "log.db");
    const log = new EmbeddedLog({ file, busyTimeoutMs: 100, logger: silentLogger });
    await log.ensureTopic("events", { partitions: 1 });
    const Database = (await import("better-sqlite3")).default;
    const locker = new Database(file);
    locker.exec("BEGIN EXCLUSIVE");
    const producer = await log.producer();
    await assert.rejects(producer.send("events", [{ value: "x" }]), (e: Error & { retriable?: boolean }) => e.retriable === true);
    locker.exec("ROLLBACK");
    locker.close();
    await producer.send("events", [{ value: "y" }]);
    assert.equal((await log.endOffsets("events")).get(0), 1);
    await log.close();
  });
});
