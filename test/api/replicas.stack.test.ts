/**
 * Two API processes (replicas) on one Kafka topic and one PostgreSQL state store take the same
 * requests for the same players at the same moment: every join or leave raced on both replicas
 * gets exactly one 200 and one 409, a key sent to both is carried out once and answered alike,
 * and the tables the sink lands match what the answers say.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { loadConfig } from "../../src/config";
import { silentLogger } from "../../src/logger";
import { runSink } from "../../src/sink";
import { createStorage } from "../../src/storage";
import { KafkaTransport } from "../../src/transport/kafka/kafka-transport";
import { readTable } from "../sink/helpers";
import { ensureStack, kafkaApiConfig, KAFKA_BROKERS, stackEnv, stackKafka } from "../stack/stack";
import { startChildApi } from "./child-api";
import { request, type Reply } from "./helpers";
import { fold } from "./membership";
import { databaseClient, freshDatabase } from "./state/postgres-db";

const PLAYERS = 12;
const GUILDS = ["grubs", "stark", "tully"];
const ROUNDS = ["join_guild", "leave_guild", "join_guild"] as const;

/** A replica's environment: the stack's client settings, its own data folder, the shared topic and database. */
function replicaEnv(topic: string, database: string, name: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...stackEnv(),
    DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), `replica-${name}-`)),
    TRANSPORT: "kafka",
    KAFKA_BROKERS: KAFKA_BROKERS.join(","),
    EVENTS_TOPIC: topic,
    TOPIC_PARTITIONS: "2",
    API_STORE: "postgres",
    API_DATABASE_URL: database,
    ...extra,
  };
}

/** Lands the topic's events in tables on local disk (batch mode); returns the sink's config. */
async function sinkTopic(topic: string): Promise<ReturnType<typeof loadConfig>> {
  const config = loadConfig({ ...stackEnv(), DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), "replicas-sink-")), LOG_LEVEL: "silent", SINK_METRICS_PORT: "0", TRANSPORT: "kafka", KAFKA_BROKERS: KAFKA_BROKERS.join(","), EVENTS_TOPIC: topic });
  const transport = new KafkaTransport({ ...stackKafka("replicas-sink"), logger: silentLogger });
  try {
    await runSink({ config, transport, storage: createStorage(config.storage), engine: null, logger: silentLogger, mode: "batch" });
  } finally {
    await transport.close();
  }
  return config;
}

describe("two API replicas on one topic and one PostgreSQL", () => {
  it("serialise each player's guild decisions, carry out a key once, and land tables that match the answers", async () => {
    await ensureStack(["postgres", "kafka"]);
    const topicConfig = kafkaApiConfig("replicas");
    const database = await freshDatabase("replicas");
    const env = (name: string) => replicaEnv(topicConfig.transport.topic, database, name);
    const replicas = [await startChildApi(env("a")), await startChildApi(env("b"))];
    const both = (target: string, headers: Record<string, string>) => Promise.all(replicas.map((r) => request(r.url, target, { headers })));
    const answers: Reply[] = [];
    try {
      // 1. The same join or leave on both replicas at once, for every player and guild, round after round.
      for (const route of ROUNDS) {
        const races = [];
        for (let p = 0; p < PLAYERS; p++) for (const g of GUILDS) races.push(both(`/${route}/${g}`, { "x-player-id": `p${p}` }));
        for (const pair of await Promise.all(races)) {
          answers.push(...pair);
          assert.deepEqual(pair.map((r) => r.status).sort(), [200, 409], `${route}: ${pair.map((r) => r.text).join(" | ")}`);
        }
      }
      // 2. One Idempotency-Key sent to both replicas at once: carried out once, the same answer twice.
      const keyed = await Promise.all(
        Array.from({ length: PLAYERS }, (_, p) => both(`/purchase_a_sword/katana`, { "x-player-id": `p${p}`, "idempotency-key": `buy-p${p}` })),
      );
      for (const pair of keyed) {
        assert.deepEqual(pair.map((r) => r.status), [200, 200]);
        assert.equal(pair[0].body.event_id, pair[1].body.event_id, "both replicas answer with the one event");
      }
      answers.push(...keyed.map((pair) => pair[0]));
    } finally {
      for (const r of replicas) r.kill("SIGTERM");
      for (const r of replicas) assert.equal((await r.exited).code, 0);
    }

    // 3. The store: every player in every guild (the last round joined them all).
    const everyone = new Set(Array.from({ length: PLAYERS }, (_, p) => GUILDS.map((g) => `p${p}/${g}`)).flat());
    const db = databaseClient(database);
    await db.connect();
    const stored = (await db.query<{ player_id: string; guild: string }>("SELECT player_id, guild FROM memberships")).rows.map((r) => `${r.player_id}/${r.guild}`);
    await db.end();
    assert.deepEqual(new Set(stored), everyone);

    // 4. The tables: one row per answered request, and the guilds table replays to the same membership.
    const config = await sinkTopic(topicConfig.transport.topic);
    const events = await readTable(config, "events", "event_id");
    assert.deepEqual(new Set(events.map((e) => e.event_id)), new Set(answers.map((a) => a.body.event_id)));
    assert.equal(events.length, answers.length);
    const guilds = await readTable(config, "guilds", "player_id, guild_name, event_type, outcome, kafka_partition, kafka_offset");
    assert.equal(guilds.filter((r) => r.outcome === "ok").length, PLAYERS * GUILDS.length * ROUNDS.length);
    const completed = guilds
      .filter((r) => r.outcome === "ok")
      .sort((a, b) => Number(a.kafka_partition) - Number(b.kafka_partition) || Number(a.kafka_offset) - Number(b.kafka_offset));
    const fromTable = fold(completed.map((r) => ({ player: r.player_id as string, guild: r.guild_name as string, type: r.event_type as string, order: `${r.kafka_partition as number}:${r.kafka_offset as number}` })));
    assert.deepEqual(fromTable, everyone);
    assert.equal((await readTable(config, "purchases")).length, PLAYERS);
  });

  it("apply a change a replica logged but did not record before it died, while serving (catch-up)", async () => {
    await ensureStack(["postgres", "kafka"]);
    const topicConfig = kafkaApiConfig("replica-crash");
    const database = await freshDatabase("replica_crash");
    const env = (name: string, extra: Record<string, string>) => replicaEnv(topicConfig.transport.topic, database, name, extra);
    const survivor = await startChildApi(env("a", { API_CATCHUP_INTERVAL_MS: "300" }));
    const doomed = await startChildApi(env("c", { API_CRASH_BEFORE_STORE: "1" }));
    const db = databaseClient(database);
    await db.connect();
    try {
      // The doomed replica logs zed's join, then dies before writing it to the store.
      await assert.rejects(request(doomed.url, "/join_guild/grubs", { headers: { "x-player-id": "zed" } }));
      assert.equal((await doomed.exited).signal, "SIGKILL");
      let caughtUp = false;
      for (let i = 0; i < 120 && !caughtUp; i++) {
        caughtUp = (await db.query("SELECT 1 FROM memberships WHERE player_id = 'zed' AND guild = 'grubs'")).rowCount === 1;
        if (!caughtUp) await new Promise((r) => setTimeout(r, 250));
      }
      assert.ok(caughtUp, "the surviving replica applied the logged join");
      const again = await request(survivor.url, "/join_guild/grubs", { headers: { "x-player-id": "zed" } });
      assert.deepEqual([again.status, again.body.error], [409, "already_member"]);
    } finally {
      await db.end();
      survivor.kill("SIGTERM");
      assert.equal((await survivor.exited).code, 0);
    }
  });
  it("answer a key's retry on the other replica with the original when the first attempt's replica died between the log and the store", async () => {
    await ensureStack(["postgres", "kafka"]);
    const topic = kafkaApiConfig("replica-key").transport.topic;
    const database = await freshDatabase("replica_key");
    // The survivor replays the log only when a retry asks (no timer), so the retry is what settles the key.
    const survivor = await startChildApi(replicaEnv(topic, database, "a", { API_CATCHUP_INTERVAL_MS: "0" }));
    const doomed = await startChildApi(replicaEnv(topic, database, "c", { API_CRASH_BEFORE_STORE: "1" }));
    const headers = { "x-player-id": "zed", "idempotency-key": "buy-zed-1" };
    let retry: Reply;
    const unsettled: Reply[] = [];
    try {
      await assert.rejects(request(doomed.url, "/purchase_a_sword/katana", { headers }));
      assert.equal((await doomed.exited).signal, "SIGKILL");
      retry = await request(survivor.url, "/purchase_a_sword/katana", { headers });
      for (let i = 0; i < 120 && retry.status === 503; i++) {
        unsettled.push(retry);
        await new Promise((r) => setTimeout(r, 250));
        retry = await request(survivor.url, "/purchase_a_sword/katana", { headers });
      }
    } finally {
      survivor.kill("SIGTERM");
      assert.equal((await survivor.exited).code, 0);
    }
    assert.ok(unsettled.length > 0 && unsettled.every((r) => r.body.error === "key_unsettled"), unsettled.map((r) => r.text).join(" | "));
    assert.deepEqual([retry.status, retry.headers["idempotent-replayed"]], [200, "true"]);
    const config = await sinkTopic(topic);
    const rows = await readTable(config, "sword_purchases", "event_id, idempotency_key");
    assert.deepEqual(rows, [{ event_id: retry.body.event_id, idempotency_key: "buy-zed-1" }]);
  });
});
