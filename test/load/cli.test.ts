import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { startApi, type ApiServer } from "../../src/api";
import { silentLogger } from "../../src/logger";
import { TRUTH_FORMAT, type TruthFile } from "../../src/load";
import { REPO, tempDir, testConfig } from "./helpers";

const LOAD = path.join(REPO, "dist", "src", "bin", "load.js");
const CREATE_TOPIC = path.join(REPO, "scripts", "create-topic.sh");

function run(file: string, args: string[], env: Record<string, string> = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(file, args, { encoding: "utf8", env: { ...process.env, LOG_LEVEL: "warn", ...env } }, (_e, stdout, stderr) =>
      resolve({ status: child.exitCode, stdout, stderr }),
    );
  });
}

describe("npm run load (CLI)", () => {
  const dir = tempDir();
  let api: ApiServer;
  before(async () => (api = await startApi(testConfig(dir), silentLogger)));
  after(async () => {
    await api?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("prints its flags with --help", async () => {
    const { status, stdout } = await run(process.execPath, [LOAD, "--help"]);
    assert.equal(status, 0);
    for (const flag of ["--scenario", "--players", "--requests", "--duration", "--rate", "--connections", "--seed", "--truth", "--url"]) {
      assert.ok(stdout.includes(flag), flag);
    }
  });

  it("runs a scenario, prints the summary and writes the ground truth file", async () => {
    const truthFile = path.join(dir, "out", "truth.json");
    const { status, stdout, stderr } = await run(process.execPath, [
      LOAD, "--scenario", "players", "--players", "20", "--requests", "300", "--seed", "7", "--connections", "4", "--url", api.url, "--truth", truthFile,
    ]);
    assert.equal(status, 0, stderr + stdout);
    assert.match(stdout, /300 answered, 0 unanswered/);
    assert.match(stdout, /latency ms: p50 [\d.]+ +p90 [\d.]+ +p99 [\d.]+/);
    assert.match(stdout, /mismatches: 0/);
    const truth = JSON.parse(fs.readFileSync(truthFile, "utf8")) as TruthFile;
    assert.equal(truth.format, TRUTH_FORMAT);
    assert.equal(truth.requests, 300);
    assert.deepEqual([truth.run.scenario, truth.run.seed, truth.run.players, truth.run.exact], ["players", 7, 20, true]);
    assert.equal(Object.values(truth.statusCodes).reduce((a, b) => a + b, 0), 300);
  });

  it("exits 1 and lists the mismatches when answers differ from the expected ones", async () => {
    // Players already in guilds from the previous test: the same seed's joins are now refused.
    const { status, stdout } = await run(process.execPath, [
      LOAD, "--players", "20", "--requests", "300", "--seed", "7", "--connections", "4", "--url", api.url, "--json",
    ]);
    assert.equal(status, 1);
    const summary = JSON.parse(stdout) as { mismatches: number; mismatchExamples: { expected: number; actual: number }[] };
    assert.ok(summary.mismatches > 0);
    assert.ok(summary.mismatchExamples.every((m) => m.expected !== m.actual));
  });

  it("refuses bad flags with a message and exit status 2", async () => {
    const { status, stderr } = await run(process.execPath, [LOAD, "--scenario", "nope"]);
    assert.equal(status, 2);
    assert.match(stderr, /--scenario must be one of reference, players/);
  });
});

describe("scripts/create-topic.sh", () => {
  it("creates the topic on the embedded log with the partitions asked for, idempotently", async () => {
    const dir = tempDir();
    try {
      const first = await run(CREATE_TOPIC, ["--partitions", "3"], { DATA_DIR: dir });
      assert.equal(first.status, 0, first.stderr);
      assert.match(first.stdout, /topic events on embedded: 3 partition\(s\) \[0, 1, 2\]/);
      const again = await run(CREATE_TOPIC, [], { DATA_DIR: dir, TOPIC_PARTITIONS: "3", EVENTS_TOPIC: "events" });
      assert.equal(again.status, 0, again.stderr);
      assert.match(again.stdout, /3 partition\(s\)/);
      const other = await run(CREATE_TOPIC, ["--topic", "other"], { DATA_DIR: dir, TOPIC_PARTITIONS: "2" });
      assert.match(other.stdout, /topic other on embedded: 2 partition\(s\)/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
