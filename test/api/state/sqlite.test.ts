import assert from "node:assert/strict";
import Database from "better-sqlite3";
import * as path from "node:path";
import { describe, it } from "node:test";
import { keyLock, SqliteStateStore } from "../../../src/api/state";
import { StateStoreError } from "../../../src/errors";
import { tempDataDir } from "../helpers";
import { stateStoreContract } from "./contract";

stateStoreContract("SQLite", { open: async () => new SqliteStateStore(path.join(tempDataDir(), "state.db")) });

describe("SQLite state store", () => {
  it("serves one process: a second store on the same file is refused with a clear error", async () => {
    const file = path.join(tempDataDir(), "state.db");
    const first = new SqliteStateStore(file);
    try {
      assert.throws(() => new SqliteStateStore(file), (error: unknown) => error instanceof StateStoreError && /API_STORE=postgres/.test(error.message));
    } finally {
      await first.close();
    }
    await new SqliteStateStore(file).close();
  });

  it("commits concurrent requests' writes together, and a write that fails fails its own request only", async () => {
    const file = path.join(tempDataDir(), "state.db");
    // A store whose file refuses one key (a trigger set up before the store opens it).
    const setup = new Database(file);
    setup.exec("CREATE TABLE idempotency_keys (key TEXT PRIMARY KEY, event TEXT NOT NULL, at INTEGER NOT NULL, claim TEXT) WITHOUT ROWID");
    setup.exec("CREATE TRIGGER refuse_bad BEFORE INSERT ON idempotency_keys WHEN NEW.key = 'bad' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END");
    setup.close();
    const store = new SqliteStateStore(file);
    const put = (key: string) => store.transact([keyLock(key)], async (tx) => tx.record({ key: { key, event: `{"${key}":1}`, at: 1000 } }));
    // Started in one turn of the event loop: their writes share one commit, which the bad key fails.
    const results = await Promise.allSettled([put("a"), put("bad"), put("c")]);
    assert.deepEqual(results.map((r) => r.status), ["fulfilled", "rejected", "fulfilled"]);
    const refused = (results[1] as PromiseRejectedResult).reason as unknown;
    assert.ok(refused instanceof StateStoreError && /refused by the test/.test(refused.message), String(refused));
    await store.close();
    const reopened = new SqliteStateStore(file);
    try {
      const keyed = (key: string) => reopened.transact([], (tx) => tx.keyed(key, 0));
      assert.deepEqual([await keyed("a"), await keyed("bad"), await keyed("c")], ['{"a":1}', null, '{"c":1}']);
    } finally {
      await reopened.close();
    }
  });
});
