/**
 * Issue 15's acceptance on the real stack: sink workers in one consumer group on a 6-partition
 * topic, under steady load from the player simulator through the game API, while workers are
 * killed (kill -9), frozen past the session timeout (SIGSTOP, then SIGCONT) and added. After the
 * load ends and the workers drain, an independent reader (DuckDB over the Parquet files fetched
 * from HDFS) finds each event the API answered 200, 404 or 409 exactly once in every table, and the
 * live workers' metrics show the partitions shared out once each, drained, fenced commits counted.
 * Two kill schedules.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, it } from "node:test";
import { startApi } from "../../src/api";
import { loadConfig, type Config } from "../../src/config";
import { TABLES } from "../../src/events";
import { silentLogger } from "../../src/logger";
import { runLoad } from "../../src/load";
import { listCommitted } from "../../src/sink/committed-files";
import { createStorage } from "../../src/storage";
import { createTransport } from "../../src/transport";
import { catalog } from "../load/helpers";
import { sample, samples } from "../helpers/metrics";
import { freePort } from "../helpers/ports";
import { duck } from "../sink/helpers";
import { killSinkProcesses, processState, SinkProcess, until } from "../sink/sink-process";
import { ensureStack, stackEnv } from "./stack";

after(killSinkProcesses);

const SESSION_TIMEOUT_MS = 6000;
const PARTITIONS = 6;

interface Run {
  env: Record<string, string>;
  config: Config;
  workers: SinkProcess[];
  /** Each worker's metrics port. */
  ports: Map<SinkProcess, number>;
}

function setUp(name: string): Run {
  const id = `${name}-${randomUUID().slice(0, 8)}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `${id}-`));
  // The stack's client settings (TLS and SASL on a secured stack), for the workers' processes too.
  const env = {
    ...stackEnv(),
    PIPELINE_STACK: "real",
    DATA_DIR: dataDir,
    EVENTS_TOPIC: id,
    TOPIC_PARTITIONS: String(PARTITIONS),
    WAREHOUSE_DIR: `/${id}`,
    SINK_GROUP: id,
    SINK_SESSION_TIMEOUT_MS: String(SESSION_TIMEOUT_MS),
    SINK_ROLL_INTERVAL_MS: "1000",
    LOG_LEVEL: "info",
    PORT: "0",
    API_HOST: "127.0.0.1",
  };
  return { env, config: loadConfig(env), workers: [], ports: new Map() };
}

async function startWorker(run: Run): Promise<SinkProcess> {
  const port = await freePort();
  const worker = new SinkProcess(["--mode", "stream", "--no-register", "--metrics-port", String(port)], run.env);
  run.workers.push(worker);
  run.ports.set(worker, port);
  return worker;
}

/** What the live workers' metrics say about their shares of the topic, once their lag is 0. */
async function checkShares(run: Run, live: SinkProcess[]): Promise<void> {
  let bodies: string[] = [];
  await until(async () => {
    bodies = await Promise.all(live.map(async (w) => (await fetch(`http://127.0.0.1:${run.ports.get(w)}/metrics`)).text()));
    return bodies.every((b) => [...samples(b, "sink_lag_records").values()].every((lag) => lag === 0));
  }, 30_000, () => `lag not 0:\n${bodies.join("\n")}`);
  const owners = new Map<string, number>();
  for (const [i, body] of bodies.entries()) {
    const mine = [...samples(body, "sink_partition_assigned").keys()];
    assert.equal(sample(body, "sink_assigned_partitions"), mine.length);
    for (const p of mine) {
      assert.equal(owners.get(p), undefined, `${p} owned by two live workers`);
      owners.set(p, i);
    }
    assert.ok((sample(body, "sink_rebalances_total") ?? 0) >= 1, "a worker's partitions changed at least once");
    const refusals = live[i].stderr.match(/batch not committed/g)?.length ?? 0;
    assert.equal(sample(body, "sink_commits_fenced_total"), refusals, "fenced commits counted as logged");
  }
  assert.deepEqual([...owners.keys()].sort(), Array.from({ length: PARTITIONS }, (_, p) => `{partition="${p}"}`), "every partition owned by one live worker");
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every row of `table`, as DuckDB reads the table's committed files fetched from HDFS into `dir`. */
async function readTables(config: Config, dir: string): Promise<Map<string, string[]>> {
  const storage = createStorage(config.storage);
  fs.rmSync(dir, { recursive: true, force: true });
  for (const f of await listCommitted(storage, TABLES)) {
    const local = path.join(dir, f.table, `dt=${f.dt}`, path.posix.basename(f.path));
    fs.mkdirSync(path.dirname(local), { recursive: true });
    fs.writeFileSync(local, await storage.readFile(f.path));
  }
  const out = new Map<string, string[]>();
  for (const t of TABLES) {
    const glob = path.join(dir, t.name, "dt=*", "*.parquet");
    const has = fs.existsSync(path.join(dir, t.name));
    const column = t.name === "dead_letters" ? "kafka_partition || '/' || kafka_offset" : "event_id";
    out.set(t.name, has ? (await duck(`SELECT ${column} AS id FROM read_parquet('${glob}')`)).map((r) => String(r.id)) : []);
  }
  return out;
}

/** Runs the load while `schedule` runs against the workers; then drains, stops the workers and checks the tables. */
async function scenario(run: Run, schedule: (run: Run) => Promise<void>): Promise<void> {
  try {
    await runScenario(run, schedule);
  } catch (error) {
    // The workers' own logs say which partitions moved when: kept for the failure's reader.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "workers-logs-"));
    for (const [i, w] of run.workers.entries()) fs.writeFileSync(path.join(dir, `worker-${i}-pid-${w.pid}.log`), w.stderr);
    if (error instanceof Error) error.message += `\n(the workers' logs: ${dir})`;
    throw error;
  }
}

async function runScenario(run: Run, schedule: (run: Run) => Promise<void>): Promise<void> {
  await ensureStack(["kafka", "hdfs"]);
  const transport = await createTransport(run.config.transport, silentLogger);
  await transport.ensureTopic(run.config.transport.topic, { partitions: PARTITIONS });
  for (let i = 0; i < 3; i++) await startWorker(run);
  await Promise.all(run.workers.map((w) => w.waitFor(/partitions assigned/, 60_000)));

  // 1. Steady load from the simulator through the game API, while the schedule hits the workers.
  const api = await startApi(run.config, silentLogger);
  const loading = runLoad({ url: api.url, catalog: catalog(run.config), players: 300, requests: 9000, rate: 300, connections: 16, seed: 15 });
  let load: Awaited<typeof loading>;
  try {
    await schedule(run);
  } finally {
    load = await loading;
    await api.close();
  }
  const truth = load.truth;
  // 200, 404 and 409 log an event; 400 (the simulator's malformed names) logs none; a 503 would leave the event's fate open.
  const answered = Object.keys(truth.statusCodes).sort();
  assert.deepEqual(answered.filter((s) => !["200", "400", "404", "409"].includes(s)), [], `unexpected answers: ${JSON.stringify(truth.statusCodes)}`);

  // 2. Drain: every event of the log is in the events table (or dead_letters), then stop the workers.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "workers-read-"));
  const ends = await transport.endOffsets(run.config.transport.topic);
  const total = [...ends.values()].reduce((a, b) => a + b, 0);
  assert.equal(total, truth.events.total, "the log holds one message per answered event");
  let tables = new Map<string, string[]>();
  await until(async () => {
    tables = await readTables(run.config, dir);
    return (tables.get("events")?.length ?? 0) + (tables.get("dead_letters")?.length ?? 0) >= total;
  }, 120_000, () => `drain: ${tables.get("events")?.length} of ${total} events landed`);
  const live = run.workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null);
  await checkShares(run, live);
  for (const w of live) w.child.kill("SIGTERM");
  for (const w of live) assert.equal((await w.exited).code, 0, w.stderr);
  await transport.close();

  // 3. The independent check, after the workers' last commits.
  tables = await readTables(run.config, dir);
  for (const [table, expected] of Object.entries(truth.tables)) {
    const ids = tables.get(table) ?? [];
    assert.equal(new Set(ids).size, ids.length, `${table}: an event twice`);
    assert.equal(ids.length, expected, `${table}: ${ids.length} rows, ${expected} answered`);
  }
  const fenced = run.workers.reduce((n, w) => n + (w.stderr.match(/batch not committed/g)?.length ?? 0), 0);
  process.stdout.write(`# ${total} events; commits refused by fencing: ${fenced}\n`);
}

/** True while `pid` is a live process (a zombie counts as gone). */
function alive(pid: number): boolean {
  const state = processState(pid);
  return state !== null && state !== "Z";
}

describe("sink workers in a consumer group on the real stack", () => {
  it("stops the workers of --workers N by themselves when their parent is killed with kill -9", async () => {
    const run = setUp("workers-orphan");
    await ensureStack(["kafka", "hdfs"]);
    const transport = await createTransport(run.config.transport, silentLogger);
    await transport.ensureTopic(run.config.transport.topic, { partitions: PARTITIONS });
    await transport.close();
    const parent = new SinkProcess(["--mode", "stream", "--no-register", "--workers", "2"], { ...run.env, SINK_METRICS_PORT: "0" });
    await until(() => (parent.stderr.match(/partitions assigned/g)?.length ?? 0) >= 2, 60_000, () => parent.stderr, parent.exited);
    const pids = [...parent.stderr.matchAll(/worker started .*pid=(\d+)/g)].map((m) => Number(m[1]));
    assert.equal(pids.length, 2, parent.stderr);
    try {
      assert.ok(pids.every(alive));
      parent.child.kill("SIGKILL");
      await parent.exited;
      await until(() => !pids.some(alive), 30_000, () => `workers ${pids.filter(alive).join(", ")} still running after their parent was killed:\n${parent.stderr}`);
      assert.equal(parent.stderr.match(/the --workers parent is gone/g)?.length, 2, parent.stderr);
    } finally {
      for (const pid of pids.filter(alive)) process.kill(pid, "SIGKILL");
    }
  });

  it("lands each answered event exactly once while a worker is killed, one is frozen past the session timeout, and one is added", async () => {
    const run = setUp("workers-a");
    await scenario(run, async ({ workers }) => {
      await sleep(6000);
      workers[0].child.kill("SIGKILL");
      await sleep(3000);
      workers[1].child.kill("SIGSTOP");
      await sleep(SESSION_TIMEOUT_MS + 4000);
      workers[1].child.kill("SIGCONT");
      await sleep(2000);
      await (await startWorker(run)).waitFor(/partitions assigned/, 60_000);
    });
  });

  it("does the same with another schedule: freeze first, kill while frozen, add, then wake the frozen one", async () => {
    const run = setUp("workers-b");
    await scenario(run, async ({ workers }) => {
      await sleep(4000);
      workers[2].child.kill("SIGSTOP");
      await sleep(SESSION_TIMEOUT_MS / 2);
      workers[1].child.kill("SIGKILL");
      await (await startWorker(run)).waitFor(/partitions assigned/, 60_000);
      await sleep(SESSION_TIMEOUT_MS);
      workers[2].child.kill("SIGCONT");
    });
  });
});
