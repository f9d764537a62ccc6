/**
 * The state store contract: one suite, run on SQLite in the fast tier (sqlite.test.ts) and on
 * PostgreSQL in the stack tier (postgres.stack.test.ts). Each test gets an empty store.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { GuildChange, StateStore } from "../../../src/api/state";
import { keyLock, playerLock } from "../../../src/api/state";

export interface StoreHarness {
  /** A fresh, empty store. */
  open(): Promise<StateStore>;
  /** Skips the suite when the backing service is not there (stack tier). */
  skip?: () => Promise<string | undefined>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const join = (player: string, guild: string, eventId: string): GuildChange => ({ player, guild, op: "join", eventId });
const leave = (player: string, guild: string, eventId: string): GuildChange => ({ player, guild, op: "leave", eventId });

/** Commits `change` as a request does: under the player's lock. */
async function record(store: StateStore, change: GuildChange): Promise<void> {
  await store.transact([playerLock(change.player)], async (tx) => tx.record({ change }));
}

async function stateOf(store: StateStore, player: string, guild: string) {
  return store.transact([], async (tx) => ({ member: await tx.isMember(player, guild), counts: await tx.counts(guild) }));
}

export function stateStoreContract(name: string, harness: StoreHarness): void {
  describe(`state store contract: ${name}`, async () => {
    const skip = await harness.skip?.();
    const test = (title: string, body: (store: StateStore) => Promise<void>): void =>
      void it(title, { skip }, async () => {
        const store = await harness.open();
        try {
          await body(store);
        } finally {
          await store.close();
        }
      });

    test("a recorded join is a membership counted in its guild and the total; a leave undoes it", async (store) => {
      await record(store, join("ann", "grubs", "e1"));
      await record(store, join("bob", "grubs", "e2"));
      await record(store, join("ann", "stark", "e3"));
      assert.deepEqual(await stateOf(store, "ann", "grubs"), { member: true, counts: { guild: 2, total: 3 } });
      await record(store, leave("ann", "grubs", "e4"));
      assert.deepEqual(await stateOf(store, "ann", "grubs"), { member: false, counts: { guild: 1, total: 2 } });
      assert.deepEqual(await stateOf(store, "cy", "nowhere"), { member: false, counts: { guild: 0, total: 2 } });
    });

    test("writes nothing when the work throws", async (store) => {
      await assert.rejects(
        store.transact([playerLock("ann")], async (tx) => {
          tx.record({ change: join("ann", "grubs", "e1"), key: { key: "k1", event: "{}", at: 1000 } });
          throw new Error("the log lost the event");
        }),
        /the log lost the event/,
      );
      assert.equal((await stateOf(store, "ann", "grubs")).member, false);
      assert.equal(await store.transact([], (tx) => tx.keyed("k1", 0)), null);
    });

    test("serialises requests on one lock: the second decides on the first's committed change", async (store) => {
      const decisions: boolean[] = [];
      const attempt = () =>
        store.transact([playerLock("ann")], async (tx) => {
          const member = await tx.isMember("ann", "grubs");
          decisions.push(member);
          await sleep(50); // the event is being logged
          if (!member) tx.record({ change: join("ann", "grubs", `e${decisions.length}`) });
        });
      await Promise.all([attempt(), attempt()]);
      assert.deepEqual(decisions, [false, true]);
      assert.deepEqual((await stateOf(store, "ann", "grubs")).counts, { guild: 1, total: 1 });
    });

    test("does not make other players' requests wait", async (store) => {
      let annHolds!: () => void;
      const held = new Promise<void>((r) => (annHolds = r));
      const ann = store.transact([playerLock("ann")], () => held);
      const bob = await Promise.race([record(store, join("bob", "grubs", "e1")).then(() => "done"), sleep(2000).then(() => "waited")]);
      annHolds();
      await ann;
      assert.equal(bob, "done");
    });

    test("returns a key's event within its window only, and replaces an expired key", async (store) => {
      await store.transact([keyLock("k1")], async (tx) => tx.record({ key: { key: "k1", event: '{"first":1}', at: 1000 } }));
      assert.equal(await store.transact([], (tx) => tx.keyed("k1", 1000)), '{"first":1}');
      assert.equal(await store.transact([], (tx) => tx.keyed("k1", 1001)), null);
      await store.transact([keyLock("k1")], async (tx) => tx.record({ key: { key: "k1", event: '{"second":1}', at: 5000 } }));
      assert.equal(await store.transact([], (tx) => tx.keyed("k1", 2000)), '{"second":1}');
      assert.equal(await store.expireKeys(6000), 1);
      assert.equal(await store.transact([], (tx) => tx.keyed("k1", 0)), null);
    });

    test("replay applies the changes the store lacks, skips those requests recorded, and moves the position forward only", async (store) => {
      assert.deepEqual(await store.position("events"), new Map());
      await record(store, join("ann", "grubs", "e1"));
      const batch = { topic: "events", partition: 0, next: 3, keys: [], keysSince: 0 };
      // e1 was recorded; e2 (a leave) and e3 landed in the log but the API died before recording them.
      const result = await store.applyReplayed({ ...batch, changes: [join("ann", "grubs", "e1"), leave("ann", "grubs", "e2"), join("bob", "stark", "e3")] });
      assert.deepEqual(result, { applied: 2, skipped: 1 });
      assert.deepEqual(await stateOf(store, "ann", "grubs"), { member: false, counts: { guild: 0, total: 1 } });
      assert.equal((await stateOf(store, "bob", "stark")).member, true);
      assert.deepEqual(await store.position("events"), new Map([[0, 3]]));
      await store.applyReplayed({ ...batch, partition: 1, next: 7, changes: [] });
      await store.applyReplayed({ ...batch, next: 2, changes: [] });
      assert.deepEqual(await store.position("events"), new Map([[0, 3], [1, 7]]));
      assert.deepEqual(await store.position("other-topic"), new Map());
    });

    test("replaying the same events again leaves the same state", async (store) => {
      const changes = [join("ann", "grubs", "e1"), join("bob", "grubs", "e2"), leave("ann", "grubs", "e3")];
      for (let i = 0; i < 2; i++) await store.applyReplayed({ topic: "events", partition: 0, next: 3, changes, keys: [], keysSince: 0 });
      assert.deepEqual(await stateOf(store, "ann", "grubs"), { member: false, counts: { guild: 1, total: 1 } });
    });

    test("a claim outlives a request that ended unrecorded: the next one finds it unsettled until it is dropped", async (store) => {
      const claim = (at: number) => store.transact([keyLock("k1")], (tx) => tx.claim("k1", at - 1000, at));
      assert.deepEqual(await claim(1000), { state: "claimed" });
      const found = await claim(1100);
      assert.equal(found.state, "unsettled");
      assert.equal(await store.transact([], (tx) => tx.keyed("k1", 0)), null);
      assert.equal(await store.dropClaims([found.state === "unsettled" ? found.claim : ""]), 1);
      await store.transact([keyLock("k1")], async (tx) => {
        assert.deepEqual(await tx.claim("k1", 200, 1200), { state: "claimed" });
        tx.record({ key: { key: "k1", event: '{"logged":1}', at: 1200 } });
      });
      assert.deepEqual(await claim(1300), { state: "done", event: '{"logged":1}' });
      assert.equal(await store.dropClaims([]), 0);
    });

    test("gives a claim back when its request's event did not reach the log", async (store) => {
      await store.transact([keyLock("k1")], async (tx) => {
        assert.deepEqual(await tx.claim("k1", 0, 1000), { state: "claimed" });
        tx.unclaim("k1");
      });
      assert.deepEqual(await store.transact([keyLock("k1")], (tx) => tx.claim("k1", 0, 1100)), { state: "claimed" });
    });

    test("a replayed event of a key settles its claim, and a claim after the window replaces an expired key", async (store) => {
      await store.transact([keyLock("k1")], (tx) => tx.claim("k1", 0, 1000));
      await store.transact([keyLock("old")], async (tx) => tx.record({ key: { key: "old", event: '{"stale":1}', at: 10 } }));
      const keys = [{ key: "k1", event: '{"original":1}', at: 1000 }];
      await store.applyReplayed({ topic: "events", partition: 0, next: 1, changes: [], keys, keysSince: 500 });
      assert.deepEqual(await store.transact([keyLock("k1")], (tx) => tx.claim("k1", 500, 1100)), { state: "done", event: '{"original":1}' });
      assert.deepEqual(await store.transact([keyLock("old")], (tx) => tx.claim("old", 500, 1100)), { state: "claimed" });
    });

    test("replay restores keys: the first event of a key wins, and an expired stored key is replaced", async (store) => {
      await store.transact([keyLock("old")], async (tx) => tx.record({ key: { key: "old", event: '{"stale":1}', at: 10 } }));
      const keys = [
        { key: "k1", event: '{"original":1}', at: 2000 },
        { key: "k1", event: '{"retry":1}', at: 2100 },
        { key: "old", event: '{"fresh":1}', at: 2200 },
      ];
      await store.applyReplayed({ topic: "events", partition: 0, next: 3, changes: [], keys, keysSince: 1000 });
      assert.equal(await store.transact([], (tx) => tx.keyed("k1", 1000)), '{"original":1}');
      assert.equal(await store.transact([], (tx) => tx.keyed("old", 1000)), '{"fresh":1}');
    });
  });
}
