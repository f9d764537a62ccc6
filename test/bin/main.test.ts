import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { readLog, testConfig as apiConfig } from "../api/helpers";
import { assertExactlyOnce } from "../sink/expect";
import { testConfig as sinkConfig } from "../sink/helpers";

const MAIN = path.join(__dirname, "..", "..", "src", "bin", "main.js");

function start(dataDir: string, ...args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, SINK_METRICS_PORT: "0" };
  for (const key of ["PIPELINE_STACK", "TRANSPORT", "STORAGE", "QUERY_ENGINE", "WAREHOUSE_DIR", "EMBEDDED_LOG_PATH", "API_STATE_PATH"]) delete env[key];
  return spawnSync(process.execPath, [MAIN, ...args], { env, encoding: "utf8", timeout: 180_000 });
}

describe("npm start (the main job on the embedded default)", () => {
  it("lands a burst of traffic and finds every event exactly once, run after run on the same data folder", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "main-"));
    let logged = 0;
    for (const seed of ["one", "two"]) {
      const run = start(dataDir, "--players", "20", "--requests", "400", "--seed", seed);
      assert.equal(run.status, 0, run.stdout + run.stderr);
      assert.match(run.stdout, /every table holds each event of this run exactly once/);
      assert.doesNotMatch(run.stdout, /MISMATCH/);
      // Checked independently of the program's own verdict: the log, read straight from its SQLite
      // file, against the tables, read by DuckDB; each logged event once per table, by id and offset.
      const events = readLog(apiConfig(dataDir));
      assert.ok(events.length > logged + 200, `run "${seed}" logged ${events.length - logged} of its 400 requests`);
      logged = events.length;
      await assertExactlyOnce(sinkConfig(dataDir), events, 0);
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("refuses an unknown flag with exit code 2 and the usage", () => {
    const run = start(os.tmpdir(), "--fast");
    assert.equal(run.status, 2);
    assert.match(run.stderr, /unknown argument: --fast/);
    assert.match(run.stderr, /usage: npm start/);
  });

  it("stops with a message naming the variable when the configuration is bad", () => {
    const env = { ...process.env, PORT: "lots" };
    const run = spawnSync(process.execPath, [MAIN], { env, encoding: "utf8" });
    assert.equal(run.status, 2);
    assert.match(run.stderr, /PORT must be an integer/);
  });
});
