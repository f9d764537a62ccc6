import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PostgresStateStore, playerLock } from "../../../src/api/state";
import { silentLogger } from "../../../src/logger";
import { ensureStack } from "../../stack/stack";
import { stateStoreContract } from "./contract";
import { freshDatabase, postgresLogin } from "./postgres-db";

stateStoreContract("PostgreSQL", {
  skip: async () => {
    await ensureStack(["postgres"]);
    return undefined;
  },
  open: async () => PostgresStateStore.open({ url: await freshDatabase(), poolSize: 4, logger: silentLogger, ...postgresLogin() }),
});

describe("PostgreSQL state store across replicas", () => {
  it("serialises one player's decisions across two stores on one database", async () => {
    await ensureStack(["postgres"]);
    const url = await freshDatabase();
    const replicas = [await PostgresStateStore.open({ url, poolSize: 2, logger: silentLogger, ...postgresLogin() }), await PostgresStateStore.open({ url, poolSize: 2, logger: silentLogger, ...postgresLogin() })];
    try {
      const decisions: boolean[] = [];
      await Promise.all(
        replicas.map((store, i) =>
          store.transact([playerLock("ann")], async (tx) => {
            const member = await tx.isMember("ann", "grubs");
            decisions.push(member);
            await new Promise((r) => setTimeout(r, 100)); // the event is being logged
            if (!member) tx.record({ change: { player: "ann", guild: "grubs", op: "join", eventId: `e${i}` } });
          }),
        ),
      );
      assert.deepEqual(decisions, [false, true]);
    } finally {
      for (const store of replicas) await store.close();
    }
  });
});
