import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { startApi, type ApiServer } from "../../src/api";
import { loadConfig, type Config } from "../../src/config";
import { silentLogger } from "../../src/logger";
import { runLoad, type LoadResult } from "../../src/load";
import { ensureStack, KAFKA_BROKERS, stackEnv } from "../stack/stack";
import { catalog, readBack, REPO, tempDir } from "./helpers";

const CREATE_TOPIC = path.join(REPO, "scripts", "create-topic.sh");

function kafkaEnv(dataDir: string, topic: string): Record<string, string> {
  return { ...stackEnv(), DATA_DIR: dataDir, TRANSPORT: "kafka", KAFKA_BROKERS: KAFKA_BROKERS.join(","), EVENTS_TOPIC: topic, PORT: "0", API_HOST: "127.0.0.1", LOG_LEVEL: "silent" };
}

describe("load tools on real Kafka", () => {
  const dir = tempDir();
  const topic = `load-${randomUUID().slice(0, 8)}`;
  let config: Config;
  let api: ApiServer;
  let result: LoadResult;
  before(async () => {
    await ensureStack(["kafka"]);
    config = loadConfig(kafkaEnv(dir, topic), REPO);
  });
  after(async () => {
    await api?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("create-topic.sh creates the topic on Kafka with the partitions asked for", async () => {
    const out = await new Promise<string>((resolve, reject) =>
      execFile(CREATE_TOPIC, ["--partitions", "3", "--replication", "1"], { env: { ...process.env, ...kafkaEnv(dir, topic) } }, (error, stdout, stderr) =>
        error ? reject(new Error(stderr || error.message)) : resolve(stdout),
      ),
    );
    assert.match(out, new RegExp(`topic ${topic} on kafka: 3 partition\\(s\\) \\[0, 1, 2\\]`));
  });

  it("the player simulator's ground truth matches the events logged in Kafka", async () => {
    api = await startApi(config, silentLogger);
    result = await runLoad({ url: api.url, catalog: catalog(config), players: 200, requests: 3000, seed: 9, connections: 32 });
    await api.close();
    assert.equal(result.summary.mismatches, 0);
    assert.equal(result.summary.requests.unanswered, 0);
    const { events, deadLetters } = await readBack(config);
    assert.equal(deadLetters, 0);
    assert.equal(events.length, result.truth.events.total);
    const okPurchases = events.filter((e) => e.outcome === "ok" && (e.event_type === "purchase_sword" || e.event_type === "purchase_shield"));
    assert.equal(okPurchases.length, result.truth.tables.purchases);
    assert.equal(okPurchases.reduce((s, e) => s + (e.cost ?? 0), 0), result.truth.spend.total);
    assert.equal(events.filter((e) => e.outcome === "rejected").length, (result.truth.statusCodes["404"] ?? 0) + (result.truth.statusCodes["409"] ?? 0));
  });
});
