import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { FencedError, OwnershipError } from "../../src/errors";
import { silentLogger } from "../../src/logger";
import { EmbeddedLog, type Ownership, type Subscription } from "../../src/transport";
import { heldMessage, judgeLease, type LeaseRow } from "../../src/transport/embedded/lease";
import { holderAlive, thisProcess } from "../../src/transport/embedded/process-alive";

const row = (over: Partial<LeaseRow> = {}): LeaseRow => ({ token: "a", pid: 4242, host: "box", procStart: "100", since: 1_000, renewedAt: 10_000, ttlMs: 5_000, ...over });
const me = { token: "b", pid: 7, host: "box", procStart: "200" };

describe("lease decision", () => {
  it("gives a free lease, and a claimant its own lease back", () => {
    assert.equal(judgeLease(undefined, me, 0, () => true).kind, "free");
    assert.equal(judgeLease(row({ token: "b" }), me, 0, () => true).kind, "free");
  });

  it("refuses while the holder runs and renews within its time to live", () => {
    const verdict = judgeLease(row(), me, 14_999, () => true);
    assert.equal(verdict.kind, "held");
  });

  it("takes over at once when the holder's process is gone, however fresh its lease", () => {
    const verdict = judgeLease(row(), me, 10_001, () => false);
    assert.equal(verdict.kind, "take-over");
    assert.match(verdict.kind === "take-over" ? verdict.reason : "", /pid 4242 on box\) is gone/);
  });

  it("takes over once the lease has not been renewed for its time to live (a frozen holder, or another host)", () => {
    assert.equal(judgeLease(row(), me, 15_000, () => null).kind, "held");
    assert.equal(judgeLease(row(), me, 15_001, () => null).kind, "take-over");
    assert.equal(judgeLease(row(), me, 15_001, () => true).kind, "take-over");
  });

  it("names the holder, since when, and the takeover bound in the refusal", () => {
    const message = heldMessage("events", "game-events-sink", row(), 12_000);
    assert.match(message, /topic "events" for group "game-events-sink"/);
    assert.match(message, /pid 4242 on host box, since 1970-01-01T00:00:01\.000Z/);
    assert.match(message, /renewed 2\.0 s ago/);
    assert.match(message, /not been renewed for 5\.0 s/);
  });
});

describe("lease holder liveness", () => {
  it("sees this process as alive and an exited child as gone", () => {
    const self = { ...thisProcess(), token: "t", since: 0, renewedAt: 0, ttlMs: 1 };
    assert.equal(holderAlive(self), true);
    const child = spawnSync(process.execPath, ["-e", "0"]);
    assert.equal(holderAlive({ ...self, pid: child.pid }), false);
  });

  it("tells a reused pid from the holder by its start time, and cannot judge another host", () => {
    const self = { ...thisProcess(), token: "t", since: 0, renewedAt: 0, ttlMs: 1 };
    assert.equal(holderAlive({ ...self, procStart: "1" }), self.procStart === null);
    assert.equal(holderAlive({ ...self, host: `not-${os.hostname()}` }), null);
  });
});

/** A member that records what it is told. */
function member(from = new Map<number, number>()) {
  const events: string[] = [];
  const ownership: Ownership = {
    assigned: async (partitions) => {
      events.push(`assigned ${partitions.join(",")}`);
      return from;
    },
    revoked: async (partitions) => void events.push(`revoked ${partitions.join(",")}`),
    lost: (partitions) => void events.push(`lost ${partitions.join(",")}`),
  };
  return { events, ownership };
}

describe("embedded log: one writer member per topic and group", () => {
  const file = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), "lease-")), "log.db");
  const consume = (log: EmbeddedLog, ownership: Ownership, sessionTimeoutMs = 60_000, onError?: (e: Error) => void): Promise<Subscription> =>
    log.consume({ topic: "events", groupId: "sink", from: new Map(), ownership, sessionTimeoutMs, onBatch: async () => {}, onError });

  it("assigns every partition to the first member and refuses a second one, naming the holder", async () => {
    const log = new EmbeddedLog({ file: file(), logger: silentLogger });
    await log.ensureTopic("events", { partitions: 3 });
    const first = member();
    const sub = await consume(log, first.ownership);
    assert.deepEqual(first.events, ["assigned 0,1,2"]);
    await assert.rejects(consume(log, member().ownership), (e: Error) => {
      assert.ok(e instanceof OwnershipError);
      assert.match(e.message, new RegExp(`pid ${process.pid} on host ${os.hostname()}, since \\d{4}-\\d\\d-\\d\\dT`));
      return true;
    });
    // A plain reader (no ownership) is not a writer and is not refused.
    await (await log.consume({ topic: "events", groupId: "sink", from: new Map(), onBatch: async () => {} })).stop();
    await sub.confirmOwnership([0, 1, 2]);
    await sub.stop();
    assert.deepEqual(first.events, ["assigned 0,1,2", "revoked 0,1,2"]);
    // Released on a clean stop: the next member starts at once.
    await (await consume(log, member().ownership)).stop();
    await log.close();
  });

  it("lets a member of another group, or of another topic, hold its own lease", async () => {
    const log = new EmbeddedLog({ file: file(), logger: silentLogger });
    await log.ensureTopic("events", { partitions: 1 });
    await log.ensureTopic("other", { partitions: 1 });
    const a = await consume(log, member().ownership);
    const b = await log.consume({ topic: "events", groupId: "another-sink", from: new Map(), ownership: member().ownership, onBatch: async () => {} });
    const c = await log.consume({ topic: "other", groupId: "sink", from: new Map(), ownership: member().ownership, onBatch: async () => {} });
    await Promise.all([a.stop(), b.stop(), c.stop()]);
    await log.close();
  });

  it("fences a holder whose lease lapsed and was taken over: it is told, and its checks fail", async () => {
    const path1 = file();
    const holderLog = new EmbeddedLog({ file: path1, logger: silentLogger });
    await holderLog.ensureTopic("events", { partitions: 2 });
    const holder = member();
    let failure = null as Error | null;
    const sub = await consume(holderLog, holder.ownership, 60_000, (e) => (failure = e));
    // As if the holder had been frozen (SIGSTOP) past its time to live: its last renewal is 2 minutes old.
    const Database = (await import("better-sqlite3")).default;
    const db = new Database(path1);
    db.prepare("UPDATE leases SET renewed_at = renewed_at - 120000 WHERE topic = 'events'").run();
    const successorLog = new EmbeddedLog({ file: path1, logger: silentLogger });
    const successor = member();
    const next = await consume(successorLog, successor.ownership);
    assert.deepEqual(successor.events, ["assigned 0,1"]);
    await assert.rejects(sub.confirmOwnership([1]), (e: Error) => e instanceof FencedError && /lost the lease/.test(e.message));
    assert.deepEqual(holder.events, ["assigned 0,1", "lost 0,1"]);
    assert.ok(failure instanceof FencedError);
    await sub.stop();
    // The fenced holder hands nothing over and does not release the successor's lease.
    assert.deepEqual(holder.events, ["assigned 0,1", "lost 0,1"]);
    await next.confirmOwnership([0, 1]);
    await next.stop();
    db.close();
    await Promise.all([holderLog.close(), successorLog.close()]);
  });

  it("takes over at once the lease of a holder whose process is gone", async () => {
    const path1 = file();
    const log = new EmbeddedLog({ file: path1, logger: silentLogger });
    await log.ensureTopic("events", { partitions: 1 });
    const gone = spawnSync(process.execPath, ["-e", "0"]).pid;
    const Database = (await import("better-sqlite3")).default;
    const db = new Database(path1);
    db.prepare("INSERT INTO leases VALUES ('events', 'sink', 'dead', ?, ?, NULL, ?, ?, 600000)").run(gone, os.hostname(), Date.now(), Date.now());
    db.close();
    const sub = await consume(log, member().ownership);
    await sub.confirmOwnership([0]);
    await sub.stop();
    await log.close();
  });
});
