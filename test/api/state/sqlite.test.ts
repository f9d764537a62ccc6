import assert from "node:assert/strict";
import * as path from "node:path";
import { describe, it } from "node:test";
import { SqliteStateStore } from "../../../src/api/state";
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
});
