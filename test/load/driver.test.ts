import assert from "node:assert/strict";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { planRequests, runLoad } from "../../src/load";
import { catalog } from "./helpers";

/** A server that answers 200 (409 for leave_guild, to see statuses recorded) and records arrivals. */
function recordingServer(): Promise<{ url: string; arrivals: { player: string; path: string; ua?: string }[]; close: () => Promise<void> }> {
  const arrivals: { player: string; path: string; ua?: string }[] = [];
  const server = http.createServer((req, res) => {
    const player = (req.headers["x-player-id"] as string | undefined) ?? req.headers.host ?? "";
    arrivals.push({ player, path: req.url ?? "", ua: req.headers["user-agent"] });
    // A little jitter so that connections overtake each other.
    setTimeout(() => {
      res.statusCode = req.url?.startsWith("/leave_guild/") ? 409 : 200;
      res.end("ok");
    }, arrivals.length % 3);
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        arrivals,
        close: () => new Promise((r) => server.close(() => r())),
      }),
    ),
  );
}

/** A server that answers 503 to the first attempt of every 5th Idempotency-Key, 200 otherwise. */
function flakyServer(): Promise<{ url: string; arrivals: { key: string; player: string; path: string }[]; close: () => Promise<void> }> {
  const arrivals: { key: string; player: string; path: string }[] = [];
  const refused = new Set<string>();
  let keys = 0;
  const server = http.createServer((req, res) => {
    const key = String(req.headers["idempotency-key"] ?? "");
    const player = (req.headers["x-player-id"] as string | undefined) ?? req.headers.host ?? "";
    arrivals.push({ key, player, path: req.url ?? "" });
    const first = !arrivals.slice(0, -1).some((a) => a.key === key);
    if (first) keys++;
    res.statusCode = first && keys % 5 === 0 ? 503 : 200;
    if (res.statusCode === 503) refused.add(key);
    res.end("{}");
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, arrivals, close: () => new Promise((r) => server.close(() => r())) }),
    ),
  );
}

describe("driver", () => {
  const cat = catalog();
  let server: Awaited<ReturnType<typeof recordingServer>>;
  before(async () => (server = await recordingServer()));
  after(() => server.close());

  it("delivers every planned request once, each player's in planned order, over many connections", async () => {
    server.arrivals.length = 0;
    const options = { scenario: "players" as const, catalog: cat, players: 60, seed: 8 };
    const { summary } = await runLoad({ ...options, url: server.url, requests: 1500, connections: 12 });
    const plan = planRequests(options, 1500);
    assert.equal(server.arrivals.length, 1500);
    const byPlayer = (rows: { player: string; path: string }[]) => {
      const m = new Map<string, string[]>();
      for (const r of rows) m.set(r.player, [...(m.get(r.player) ?? []), r.path]);
      return m;
    };
    assert.deepEqual(byPlayer(server.arrivals), byPlayer(plan.map((r) => ({ player: r.host, path: r.path }))));
    assert.equal(summary.requests.answered, 1500);
    assert.equal(summary.requests.unanswered, 0);
    assert.equal(summary.connections, 12);
  });

  it("records each answer's status and counts those that differ from the expected one", async () => {
    const plan = planRequests({ scenario: "players", catalog: cat, players: 30, seed: 2, invalidShare: 0.2 }, 400);
    const { summary, truth } = await runLoad({ scenario: "players", catalog: cat, players: 30, seed: 2, invalidShare: 0.2, url: server.url, requests: 400, connections: 4 });
    const answer = (path: string) => (path.startsWith("/leave_guild/") ? 409 : 200);
    const leaves = plan.filter((r) => answer(r.path) === 409).length;
    assert.equal(summary.statusCodes["409"], leaves);
    assert.equal(summary.statusCodes["200"], 400 - leaves);
    assert.ok(summary.mismatches > 0);
    assert.equal(summary.mismatches, plan.filter((r) => answer(r.path) !== r.expected.status).length);
    assert.ok(summary.mismatchExamples.length > 0 && summary.mismatchExamples.length <= 10);
    assert.equal(truth.run.exact, false);
  });

  it("retries a 503 with the same Idempotency-Key and counts the request once, with its final answer", async () => {
    const flaky = await flakyServer();
    try {
      const { summary, truth } = await runLoad({ scenario: "players", catalog: cat, players: 40, seed: 3, url: flaky.url, requests: 300, connections: 6 });
      const byKey = new Map<string, { player: string; path: string }[]>();
      for (const a of flaky.arrivals) byKey.set(a.key, [...(byKey.get(a.key) ?? []), a]);
      assert.equal(byKey.size, 300, "one key per planned request");
      assert.ok([...byKey.keys()].every((k) => /^[0-9a-f]{8}-\d+$/.test(k)), [...byKey.keys()][0]);
      const retried = [...byKey.values()].filter((a) => a.length === 2);
      assert.equal(retried.length, 60);
      for (const attempts of retried) assert.deepEqual(attempts[1], attempts[0], "a retry is the same request");
      assert.deepEqual([summary.requests.answered, summary.requests.retried, summary.statusCodes["503"]], [300, 60, undefined]);
      assert.equal(truth.run.retries, 60);
      assert.equal(truth.requests, 300);
    } finally {
      await flaky.close();
    }
  });

  it("sends no key and retries nothing with idempotencyKeys: false", async () => {
    const flaky = await flakyServer();
    try {
      const { summary } = await runLoad({ scenario: "players", catalog: cat, players: 10, seed: 3, url: flaky.url, requests: 50, connections: 2, idempotencyKeys: false });
      assert.equal(flaky.arrivals.length, 50);
      assert.ok(flaky.arrivals.every((a) => a.key === ""));
      assert.equal(summary.requests.retried, 0);
    } finally {
      await flaky.close();
    }
  });

  it("stops a duration run on time with every sent request answered", async () => {
    const { summary, truth } = await runLoad({ scenario: "players", catalog: cat, players: 40, seed: 5, url: server.url, durationSec: 1, rate: 200, connections: 4 });
    assert.ok(summary.requests.answered > 0);
    assert.equal(summary.requests.unanswered, 0);
    assert.ok(summary.requests.answered <= 200 * 3, `answered ${summary.requests.answered} at 200/s for ~1 s`);
    assert.equal(truth.requests, summary.requests.answered);
  });

  it("sends the reference scenario with ab's User-Agent and the reference's Host headers", async () => {
    server.arrivals.length = 0;
    await runLoad({ scenario: "reference", catalog: cat, url: server.url, connections: 3 });
    assert.equal(server.arrivals.length, 32);
    assert.deepEqual(new Set(server.arrivals.map((a) => a.player)), new Set(["user1.comcast.com", "anand.comcast.com", "dre.comcast.com", "user2.att.com", "user2.comcast.com"]));
    assert.ok(server.arrivals.every((a) => a.ua === "ApacheBench/2.3"));
  });
});
