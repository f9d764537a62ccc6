/**
 * The API's crash test: a child API process is SIGKILLed at random moments (and, every third
 * time, by its own fault point right after a request's event reached the log and before its state
 * was written: the window replay closes) while players keep joining and leaving guilds. It is
 * restarted after every kill. Afterwards the membership the API stored equals an independent
 * replay of the log, the log never has a player join a guild twice in a row, and the guilds table
 * the sink lands says the same.
 */
import Database from "better-sqlite3";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { silentLogger } from "../../src/logger";
import { runSink } from "../../src/sink";
import { createStorage } from "../../src/storage";
import { EmbeddedLog } from "../../src/transport";
import { prng } from "../helpers/prng";
import { readTable } from "../sink/helpers";
import { startChildApi } from "./child-api";
import { fold } from "./membership";
import { readRecords, request, tempDataDir, testConfig } from "./helpers";

const KILLS = 21;
const PLAYERS = 12;
const GUILDS = ["grubs", "stark", "lannister", "tully"];

/** Guild churn: `workers` loops of random joins and leaves (half with an Idempotency-Key) until stopped. */
function churn(target: { url: string }, seed: number, workers = 6): { stop(): Promise<number> } {
  const rand = prng(seed);
  let running = true;
  let answered = 0;
  const loop = async (w: number) => {
    for (let i = 0; running; i++) {
      const player = `p${Math.floor(rand() * PLAYERS)}`;
      const route = rand() < 0.55 ? "join_guild" : "leave_guild";
      const guild = GUILDS[Math.floor(rand() * GUILDS.length)];
      const headers: Record<string, string> = { "x-player-id": player };
      if (rand() < 0.5) headers["idempotency-key"] = `s${seed}-w${w}-${i}`;
      try {
        await request(target.url, `/${route}/${guild}`, { headers });
        answered++;
      } catch {
        await new Promise((r) => setTimeout(r, 20)); // the API is down: wait for the restart
      }
    }
  };
  const loops = Array.from({ length: workers }, (_, w) => loop(w));
  return {
    stop: async () => {
      running = false;
      await Promise.all(loops);
      return answered;
    },
  };
}

describe("API crash safety", () => {
  it(`keeps membership equal to the log across ${KILLS} SIGKILLs under guild churn, and the guilds table agrees`, async () => {
    const dataDir = tempDataDir();
    const config = testConfig(dataDir, { TOPIC_PARTITIONS: "2" });
    const rand = prng(20261202);
    const target = { url: "" };
    let load: ReturnType<typeof churn> | null = null;
    let faultKills = 0;
    for (let kill = 0; kill < KILLS; kill++) {
      // Every third run dies at its fault point: after a logged event, before its state write.
      const fault: Record<string, string> = kill % 3 === 2 ? { API_CRASH_BEFORE_STORE: String(1 + Math.floor(rand() * 40)) } : {};
      const child = await startChildApi({ DATA_DIR: dataDir, TOPIC_PARTITIONS: "2", ...fault });
      target.url = child.url;
      load ??= churn(target, 7);
      if (kill % 3 === 2) {
        const ended = await Promise.race([child.exited, new Promise((r) => setTimeout(r, 15_000)).then(() => null)]);
        if (ended === null) child.kill("SIGKILL");
        else faultKills++;
        await child.exited;
      } else {
        await new Promise((r) => setTimeout(r, 100 + rand() * 600));
        child.kill("SIGKILL");
        assert.equal((await child.exited).signal, "SIGKILL");
      }
    }
    const last = await startChildApi({ DATA_DIR: dataDir, TOPIC_PARTITIONS: "2" });
    target.url = last.url;
    await new Promise((r) => setTimeout(r, 500));
    const answered = await load!.stop();
    last.kill("SIGTERM");
    assert.equal((await last.exited).code, 0);
    assert.ok(faultKills >= 5, `${faultKills} runs died at the fault point`);
    assert.ok(answered > 100, `${answered} requests answered`);

    // 1. An independent replay of the log, in log order (a player's events are in one partition).
    const logged = readRecords(config)
      .map((r) => r.event)
      .filter((e) => e.outcome === "ok" && (e.event_type === "join_guild" || e.event_type === "leave_guild"));
    const fromLog = fold(logged.map((e) => ({ player: e.player_id, guild: e.guild_name!, type: e.event_type, order: e.event_id })));

    // 2. What the API stored, and its counts.
    const db = new Database(config.api.store.sqlitePath, { readonly: true });
    const stored = new Set((db.prepare("SELECT player_id, guild FROM memberships").all() as { player_id: string; guild: string }[]).map((m) => `${m.player_id}/${m.guild}`));
    const counts = db.prepare("SELECT guild, members FROM guild_counts WHERE members > 0 ORDER BY guild").all();
    db.close();
    assert.deepEqual([...stored].sort(), [...fromLog].sort());
    const perGuild = (set: Set<string>) => GUILDS.map((g) => ({ guild: g, members: [...set].filter((m) => m.endsWith(`/${g}`)).length })).filter((c) => c.members > 0);
    assert.deepEqual(counts, perGuild(fromLog).sort((a, b) => a.guild.localeCompare(b.guild)));

    // 3. The guilds table the sink lands from the same log.
    const transport = new EmbeddedLog({ file: config.transport.embeddedPath, logger: silentLogger });
    try {
      await runSink({ config, transport, storage: createStorage(config.storage), engine: null, logger: silentLogger, mode: "batch" });
    } finally {
      await transport.close();
    }
    const rows = await readTable(config, "guilds", "player_id, guild_name, event_type, outcome, kafka_partition, kafka_offset");
    const completed = rows
      .filter((r) => r.outcome === "ok")
      .sort((a, b) => Number(a.kafka_partition) - Number(b.kafka_partition) || Number(a.kafka_offset) - Number(b.kafka_offset));
    const fromTable = fold(completed.map((r) => ({ player: r.player_id as string, guild: r.guild_name as string, type: r.event_type as string, order: `${r.kafka_partition as number}:${r.kafka_offset as number}` })));
    assert.deepEqual([...fromTable].sort(), [...fromLog].sort());
  });
});
