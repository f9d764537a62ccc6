import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startApi, startApiOn, systemClock, type ApiServer } from "../../src/api";
import type { Config } from "../../src/config";
import { createLogger, silentLogger, type LogLine } from "../../src/logger";
import { createTransport } from "../../src/transport";
import { readLog, request, tempDataDir, testConfig } from "./helpers";

const MOBILE = "mobile-0f3c9a7e5b1d24c8";
const WEB = "web-7a1e4c9b3d5f60a2";

describe("game API with API keys", () => {
  let config: Config;
  let api: ApiServer;
  const lines: LogLine[] = [];
  before(async () => {
    config = testConfig(tempDataDir(), { API_KEYS: `mobile:${MOBILE},web:${WEB}`, LOG_LEVEL: "debug" });
    api = await startApi(config, createLogger({ level: "debug", write: (line) => lines.push(line) }));
  });
  after(() => api.close());

  it("answers 401 with a JSON error and logs no event when the key is missing", async () => {
    const before = readLog(config).length;
    const reply = await request(api.url, "/purchase_a_sword/sabre");
    assert.equal(reply.status, 401);
    assert.deepEqual([reply.body.ok, reply.body.error], [false, "missing_api_key"]);
    assert.equal(readLog(config).length, before);
  });

  it("answers 401 invalid_api_key for a wrong key, in X-Api-Key or as a Bearer token", async () => {
    const cases: Record<string, string>[] = [{ "x-api-key": `${MOBILE}x` }, { authorization: `Bearer ${WEB.slice(0, -1)}` }, { "x-api-key": "" }];
    for (const headers of cases) {
      const reply = await request(api.url, "/", { headers });
      assert.equal(reply.status, 401, JSON.stringify(headers));
      assert.equal(reply.body.error, headers["x-api-key"] === "" ? "missing_api_key" : "invalid_api_key");
    }
  });

  it("serves and logs a request with a valid key of either application", async () => {
    const byHeader = await request(api.url, "/purchase_a_sword/sabre", { headers: { "x-api-key": MOBILE } });
    const byBearer = await request(api.url, "/purchase_a_shield/mirror_shield", { headers: { authorization: `Bearer ${WEB}` } });
    assert.deepEqual([byHeader.status, byBearer.status], [200, 200]);
    const ids = new Set(readLog(config).map((e) => e.event_id));
    assert.ok(ids.has(byHeader.body.event_id!) && ids.has(byBearer.body.event_id!));
  });

  it("keeps /healthz open and asks for a key on unknown routes too", async () => {
    assert.equal((await request(api.url, "/healthz")).status, 200);
    assert.equal((await request(api.url, "/admin")).status, 401);
  });

  it("sends a WWW-Authenticate challenge with 401", async () => {
    const res = await fetch(`${api.url}/`);
    assert.equal(res.status, 401);
    assert.match(res.headers.get("www-authenticate") ?? "", /^Bearer /);
  });

  it("counts refused requests and never writes a key into its log", async () => {
    assert.ok(api.stats().unauthorized >= 5);
    const text = JSON.stringify(lines);
    assert.ok(lines.some((l) => l.msg === "listening"));
    for (const key of [MOBILE, WEB]) assert.ok(!text.includes(key), "a key reached the log");
  });
});

describe("game API rate limits", () => {
  let config: Config;
  let api: ApiServer;
  // The buckets read this clock: time moves only when a test moves it, however slow the machine.
  let now = 1_000_000;
  before(async () => {
    config = testConfig(tempDataDir(), { API_KEYS: `mobile:${MOBILE},web:${WEB}`, API_KEY_RATE: "1", API_KEY_BURST: "3", API_PLAYER_RATE: "1", API_PLAYER_BURST: "2" });
    const transport = await createTransport(config.transport, silentLogger);
    const clock = { now: () => now, after: (ms: number, fn: () => void) => systemClock.after(ms, fn) };
    api = await startApiOn({ api: config.api, topic: config.transport.topic, transport, logger: silentLogger, ownsTransport: true, clock });
  });
  after(() => api.close());

  const as = (key: string, player: string) => ({ headers: { "x-api-key": key, "x-player-id": player } });

  it("answers 429 with Retry-After past a player's burst, without logging an event, while other players play on", async () => {
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await request(api.url, "/", as(MOBILE, "ratty"))).status);
    assert.deepEqual(statuses, [200, 200, 429]);
    const res = await fetch(`${api.url}/`, { headers: { "x-api-key": WEB, "x-player-id": "ratty" } });
    assert.equal(res.status, 429, "the player's limit holds whichever key it comes with");
    assert.equal(Number(res.headers.get("retry-after")), 1);
    const body = (await res.json()) as { error: string; event_id?: string };
    assert.equal(body.error, "rate_limited");
    assert.equal(body.event_id, undefined);
    assert.equal(readLog(config).filter((e) => e.player_id === "ratty").length, 2);
    assert.equal((await request(api.url, "/", as(WEB, "calm"))).status, 200);
  });

  it("limits each key on its own: one application's flood does not stop another's", async () => {
    // mobile has spent its burst of 3 above (2 accepted + 1 refused by the player limit).
    const reply = await request(api.url, "/", as(MOBILE, "fresh-player"));
    assert.equal(reply.status, 429);
    assert.match(reply.body.message ?? "", /API key/);
    assert.equal((await request(api.url, "/", as(WEB, "another-player"))).status, 200);
    assert.equal(api.stats().rateLimited, 3);
  });

  it("lets a limited caller in again once Retry-After has passed", async () => {
    assert.equal((await request(api.url, "/", as(MOBILE, "ratty"))).status, 429);
    now += 1000;
    assert.equal((await request(api.url, "/", as(MOBILE, "ratty"))).status, 200);
  });
});

describe("game API answers", () => {
  let api: ApiServer;
  before(async () => {
    api = await startApi(testConfig(tempDataDir()), createLogger({ level: "silent" }));
  });
  after(() => api.close());

  it("need no key when none is configured", async () => {
    assert.equal((await request(api.url, "/purchase_a_sword/sabre")).status, 200);
  });

  it("carry headers that keep browsers from sniffing, framing or caching them, on success and on error", async () => {
    for (const target of ["/", "/purchase_a_sword/butter_knife", "/nowhere", "/healthz"]) {
      const res = await fetch(`${api.url}${target}`);
      await res.arrayBuffer();
      assert.equal(res.headers.get("x-content-type-options"), "nosniff", target);
      assert.equal(res.headers.get("cache-control"), "no-store", target);
      assert.equal(res.headers.get("content-security-policy"), "default-src 'none'; frame-ancestors 'none'", target);
      assert.equal(res.headers.get("x-frame-options"), "DENY", target);
      assert.equal(res.headers.get("x-powered-by"), null, target);
    }
  });
});
