/** Runs scripts/report.sh into temp folders and checks the write-up it produces (fast and stack tiers). */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../src/report/notebook";

/** Executes the notebooks with a small load and asserts on proj3_writeup.md and its images. */
export function runReportAndCheck(env: Record<string, string>, expect: { stack: RegExp; requests: number }): void {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "report-out-"));
  const data = fs.mkdtempSync(path.join(os.tmpdir(), "report-data-"));
  try {
    const run = spawnSync("bash", [path.join(PROJECT_ROOT, "scripts", "report.sh")], {
      encoding: "utf8",
      env: { ...process.env, REPORT_OUT_DIR: out, REPORT_DATA_DIR: data, REPORT_REQUESTS: String(expect.requests), REPORT_PLAYERS: "60", REPORT_AB_PASSES: "1", ...env },
    });
    assert.equal(run.status, 0, run.stderr);
    const md = fs.readFileSync(path.join(out, "proj3_writeup.md"), "utf8");
    assert.match(md, /^# Project 3: Understanding User Behavior/);
    assert.match(md, expect.stack);
    assert.match(md, new RegExp(`${expect.requests} requests of the \`players\` scenario`));
    assert.match(md, /# Part 1: the pipeline/);
    assert.match(md, /# Part 2: analysis/);
    for (let i = 1; i <= 13; i++) assert.ok(md.includes(`nb.referenceQuery("${String(i).padStart(2, "0")}")`));
    const images = [...md.matchAll(/!\[svg\]\((proj3_writeup_files\/[^)]+\.svg)\)/g)].map((m) => m[1]);
    assert.ok(images.length >= 9, `${images.length} charts`);
    for (const image of images) assert.match(fs.readFileSync(path.join(out, image), "utf8"), /^<svg/);
    assert.match(md, /\| question \| simulator truth \| report \| agrees \|/);
    assert.doesNotMatch(md, /\*\*NO\*\*/);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
    fs.rmSync(data, { recursive: true, force: true });
  }
}
