import { after, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadConfig } from "../../src/config";
import { recordingDisplay } from "../../src/report/display";
import { openAnalysis, openPipeline, PROJECT_ROOT } from "../../src/report/notebook";
import { readRunRecord } from "../../src/report/run-record";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "report-e2e-"));
after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

test("the notebooks' steps on the embedded default (API -> load -> sink -> DuckDB) answer every question as the ground truth says", async () => {
  const config = loadConfig({ DATA_DIR: dataDir, PORT: "0", LOG_LEVEL: "silent", REPORT_REQUESTS: "800", REPORT_PLAYERS: "80", REPORT_AB_PASSES: "2", SINK_ROLL_INTERVAL_MS: "500" }, PROJECT_ROOT);
  const display = recordingDisplay();
  const pipeline = await openPipeline(display, config);
  try {
    pipeline.describeStack();
    await pipeline.bringUpStack();
    await pipeline.createTopic();
    await pipeline.startApi();
    await pipeline.startStreamingSink();
    await pipeline.runPlayers();
    await pipeline.stopStreamingSink();
    await pipeline.runAbMix();
    await pipeline.peekEvents(3);
    await pipeline.runBatchSink();
    await pipeline.showTables();
    await pipeline.showFiles();
    pipeline.recordRun();
  } finally {
    await pipeline.shutdown();
  }
  const run = readRunRecord(dataDir);
  assert.deepEqual(run.loads.map((l) => [l.scenario, l.requests]), [["players", 800], ["reference", 64]]);
  const texts = display.shown.map((s) => s.content).join("\n");
  assert.match(texts, /Sink \(stream\): \d+ events read/);
  assert.match(texts, /Sink \(batch\): \d+ events read/);
  assert.match(texts, /"User-Agent":"ApacheBench\/2.3"/, "the peeked events are the ab mix's");
  assert.match(texts, /events\+0\+0{20}\+\d{20}\.parquet/, "files are named after their offset range");

  const analysis = await openAnalysis(display, config);
  try {
    for (let i = 1; i <= 13; i++) await analysis.referenceQuery(String(i).padStart(2, "0"));
    await analysis.checkGroundTruth();
  } finally {
    await analysis.close();
  }
  const failed = analysis.checks.filter((c) => !c.ok);
  assert.deepEqual(failed, []);
  const questions = analysis.checks.map((c) => c.question);
  for (const q of ["Reference 05: purchases per host", "Reference 06: money spent per host", "Reference 07: purchases per item", "Which guilds currently have the most members (event time and log order)"]) {
    assert.ok(questions.includes(q), q);
  }
});
