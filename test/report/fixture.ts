/**
 * A small synthetic data set for the report's tests, with its own ground truth, loaded into an
 * in-memory DuckDB behind the QueryEngine interface. Built from the event contract (TABLES),
 * so the analysis SQL is tested against the real column names and types.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { buildEvent, TABLES, type GameEvent } from "../../src/events";
import type { QueryEngine, QueryResult } from "../../src/query/engine";
import type { TruthFacts } from "../../src/pipeline";
import { prng } from "../helpers/prng";

const SWORDS: Record<string, number> = { sabre: 6, katana: 10, master_sword: 77, wood_sword: 1 };
const SHIELDS: Record<string, number> = { mirror_shield: 42, buckler: 6 };
const GUILDS = ["grubs", "house_stark", "ucbears"];


export interface Fixture {
  rows: Record<string, Record<string, unknown>[]>;
  truth: TruthFacts;
}

/** Deterministic events over three minutes: heavy-tailed spenders, guild churn, refused actions, a late batch. */
export function makeFixture(events = 1500, seed = 7): Fixture {
  const rand = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const players = Array.from({ length: 40 }, (_, i) => `player${String(i + 1).padStart(2, "0")}.example.com`);
  const weight = players.map((_, i) => 1 / Math.pow(i + 1, 1.2));
  const wsum = weight.reduce((a, b) => a + b, 0);
  const pickPlayer = () => {
    let r = rand() * wsum;
    for (let i = 0; i < players.length; i++) if ((r -= weight[i]) <= 0) return players[i];
    return players[players.length - 1];
  };
  const membership = new Map<string, Set<string>>(GUILDS.map((g) => [g, new Set()]));
  const truth: TruthFacts = {
    tables: { events: 0, sword_purchases: 0, purchases: 0, guilds: 0, dead_letters: 0 },
    items: {},
    players: {},
    guilds: Object.fromEntries(GUILDS.map((g) => [g, { members: 0 }])),
    events: { total: 0, byType: Object.fromEntries(["default", "purchase_sword", "purchase_shield", "join_guild", "leave_guild"].map((t) => [t, { ok: 0, rejected: 0 }])) },
  };
  const rows: Record<string, Record<string, unknown>[]> = Object.fromEntries(TABLES.map((t) => [t.name, []]));
  const t0 = Date.parse("2026-11-27T18:00:00.000Z");
  for (let i = 0; i < events; i++) {
    const timestamp = t0 + Math.floor((i / events) * 180_000);
    const player = pickPlayer();
    const p = (truth.players[player] ??= { purchases: 0, spend: 0 });
    const roll = rand();
    let event: GameEvent;
    const base = { event_id: `e${i}`, timestamp, player_id: player, headers: { host: player, userAgent: "fixture", accept: "*/*" } };
    if (roll < 0.5) {
      const sword = rand() < 0.6;
      const prices = sword ? SWORDS : SHIELDS;
      const unknown = rand() < 0.05;
      const item = unknown ? "bogus_item" : pick(Object.keys(prices));
      const type = sword ? "purchase_sword" : "purchase_shield";
      event = unknown
        ? buildEvent({ ...base, event_type: type, outcome: "rejected", status: 404, reason: "unknown_item", payload: { type: item, cost: null } })
        : buildEvent({ ...base, event_type: type, outcome: "ok", status: 200, payload: { type: item, cost: prices[item] } });
      if (!unknown) {
        const it = (truth.items[item] ??= { purchases: 0, spend: 0 });
        it.purchases++; it.spend += prices[item]; p.purchases++; p.spend += prices[item];
      }
    } else if (roll < 0.85) {
      const guild = pick(GUILDS);
      const members = membership.get(guild) as Set<string>;
      const join = rand() < 0.6;
      const allowed = join ? !members.has(player) : members.has(player);
      if (allowed && join) members.add(player);
      else if (allowed) members.delete(player);
      const total = [...membership.values()].reduce((s, m) => s + m.size, 0);
      event = buildEvent({
        ...base, event_type: join ? "join_guild" : "leave_guild", outcome: allowed ? "ok" : "rejected", status: allowed ? 200 : 409,
        reason: allowed ? undefined : join ? "already_member" : "not_member",
        payload: { guild_name: guild, guild_member_cnt: allowed ? members.size : null, tot_guild_member_cnt: total },
      });
    } else {
      event = buildEvent({ ...base, event_type: "default", outcome: "ok", status: 200 });
    }
    truth.events.total++;
    truth.events.byType[event.event_type][event.outcome]++;
    // The first two minutes stream (sub-second delay); the last minute lands in a late batch.
    const delay = timestamp - t0 < 120_000 ? 150 + Math.floor(rand() * 1800) : 60_000 + Math.floor(rand() * 5000);
    const row = { ...event, kafka_partition: 0, kafka_offset: i, raw_event: JSON.stringify(event), ingested_at: timestamp + delay };
    for (const table of TABLES) {
      if (table.accepts(event)) {
        rows[table.name].push(row);
        truth.tables[table.name]++;
      }
    }
  }
  for (const [g, members] of membership) truth.guilds[g].members = members.size;
  return { rows, truth };
}

const SQL_TYPES = { string: "VARCHAR", int32: "INTEGER", int64: "BIGINT", timestamp: "TIMESTAMP" } as const;

/** Loads the fixture's tables into a fresh in-memory DuckDB. */
async function loadDatabase(fixture: Fixture): Promise<{ instance: DuckDBInstance; connection: DuckDBConnection }> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  await connection.run("SET TimeZone = 'UTC'");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "report-fixture-"));
  for (const table of TABLES) {
    const file = path.join(dir, `${table.name}.jsonl`);
    const lines = fixture.rows[table.name].map((r) => {
      const out: Record<string, unknown> = {};
      for (const c of table.columns) {
        const v = r[c.name];
        out[c.name] = c.type === "timestamp" && typeof v === "number" ? new Date(v).toISOString() : v ?? null;
      }
      return JSON.stringify(out);
    });
    fs.writeFileSync(file, lines.join("\n") + "\n");
    const cols = table.columns.map((c) => `"${c.name}" ${SQL_TYPES[c.type]}`).join(", ");
    await connection.run(`CREATE TABLE ${table.name} (${cols})`);
    if (lines.length > 0) {
      const spec = table.columns.map((c) => `'${c.name}': '${SQL_TYPES[c.type]}'`).join(", ");
      await connection.run(`INSERT INTO ${table.name} SELECT * FROM read_json('${file}', format='newline_delimited', columns={${spec}})`);
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
  return { instance, connection };
}

/** An in-memory DuckDB holding the fixture's tables (query() shaped like the project's engines). */
export async function fixtureEngine(fixture: Fixture): Promise<QueryEngine> {
  const { instance, connection } = await loadDatabase(fixture);
  const plain = (v: unknown): unknown => (typeof v === "bigint" ? Number(v) : v instanceof Date ? v.toISOString() : v);
  return {
    kind: "duckdb",
    registersPartitions: false,
    async query(sql: string): Promise<QueryResult> {
      const reader = await connection.runAndReadAll(sql);
      const names = reader.columnNames();
      const types = reader.columnTypes();
      const rows = reader.getRowsJS().map((row) => Object.fromEntries(row.map((v, i) => [names[i], plain(v)])));
      return { columns: names.map((name, i) => ({ name, type: types[i].toString().toLowerCase() })), rows };
    },
    async registerTables() {},
    async syncPartitions() {},
    async close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/** Writes the fixture as the sink lays tables out: `<root>/<table>/dt=YYYY-MM-DD/<file>.parquet`. */
export async function writeWarehouse(fixture: Fixture, root: string): Promise<void> {
  const { instance, connection } = await loadDatabase(fixture);
  try {
    for (const table of TABLES) {
      if (fixture.rows[table.name].length === 0) continue;
      const dir = path.join(root, table.name, "dt=2026-11-27");
      fs.mkdirSync(dir, { recursive: true });
      await connection.run(`COPY ${table.name} TO '${path.join(dir, "fixture.parquet")}' (FORMAT parquet)`);
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
