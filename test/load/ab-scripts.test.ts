import assert from "node:assert/strict";
import { execFile, execFileSync, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { startApi, type ApiServer } from "../../src/api";
import type { Config } from "../../src/config";
import { silentLogger } from "../../src/logger";
import { abMix, computeTruth, planRequests } from "../../src/load";
import { catalog, readBack, REPO, tempDir, testConfig } from "./helpers";

const AB_SH = path.join(REPO, "scripts", "ab.sh");
const AB2_SH = path.join(REPO, "scripts", "ab2.sh");
const hasAb = spawnSync("sh", ["-c", "command -v ab"]).status === 0;
// Only a machine without ab and outside CI may skip; CI installs apache2-utils (scripts/setup.sh).
const skip = !hasAb && !process.env.CI ? "ab (Apache Bench) is not installed: apt-get install apache2-utils, or run scripts/setup.sh" : false;

/** Runs a script without blocking the event loop (the API under test runs in this process). */
function run(file: string, args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(file, args, { encoding: "utf8" }, (_error, stdout, stderr) => resolve({ status: child.exitCode, stdout, stderr }));
  });
}

/** `ab -n N -H "Host: H" URL` lines of a --dry-run, as mix entries. */
function parseDryRun(output: string, url: string) {
  return output.trim().split("\n").map((line) => {
    const m = /^ab -n (\d+) -H "Host: ([^"]+)" (\S+)$/.exec(line);
    assert.ok(m, `unexpected dry-run line: ${line}`);
    assert.ok(m[3].startsWith(url), m[3]);
    return { count: Number(m[1]), host: m[2], path: m[3].slice(url.length) };
  });
}

describe("ab scripts: the mix", () => {
  it("ab.sh sends exactly the reference mix the simulator knows (13 kinds, counts, Host headers)", () => {
    const out = execFileSync(AB_SH, ["--dry-run", "--url", "http://example.test:5000"], { encoding: "utf8" });
    assert.deepEqual(parseDryRun(out, "http://example.test:5000"), abMix());
  });

  it("ab2.sh sends the streaming mix (ab.sh's without GET /) and takes the URL from LOAD_URL", () => {
    const out = execFileSync(AB2_SH, ["--dry-run"], { encoding: "utf8", env: { ...process.env, LOAD_URL: "http://example.test:7000/" } });
    const lines = out.split("\n").filter((l) => l.startsWith("ab "));
    assert.deepEqual(parseDryRun(lines.join("\n"), "http://example.test:7000"), abMix({ streaming: true }));
  });

  it("both scripts answer --help and refuse unknown flags", () => {
    for (const script of [AB_SH, AB2_SH]) {
      assert.match(execFileSync(script, ["--help"], { encoding: "utf8" }), /^Usage: scripts\/ab2?\.sh/);
      assert.equal(spawnSync(script, ["--bogus"]).status, 2);
    }
  });
});

describe("ab scripts against the API on the embedded log", { skip }, () => {
  let config: Config;
  let api: ApiServer;
  const dir = tempDir();
  before(async () => {
    config = testConfig(dir);
    api = await startApi(config, silentLogger);
  });
  after(async () => {
    await api?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("ab.sh sends the 32 requests and the log holds what the reference scenario predicts", async () => {
    const { status, stdout: out, stderr } = await run(AB_SH, ["--url", api.url]);
    assert.equal(status, 0, stderr);
    assert.match(out, /ab\.sh: 32 requests, 9 non-2xx \(batch mix\)/);
    const { events, deadLetters } = await readBack(config);
    const { truth } = computeTruth(planRequests({ scenario: "reference", catalog: catalog(config) }, 32), catalog(config));
    assert.equal(deadLetters, 0);
    assert.equal(events.length, truth.events.total);
    const statuses: Record<string, number> = {};
    for (const e of events) statuses[e.status] = (statuses[e.status] ?? 0) + 1;
    assert.deepEqual(statuses, truth.statusCodes);
    assert.ok(events.every((e) => e.user_agent?.startsWith("ApacheBench/")));
    const hosts = new Set(events.map((e) => e.host));
    assert.deepEqual(hosts, new Set(abMix().map((c) => c.host)));
    const spend = events.reduce((sum, e) => sum + (e.outcome === "ok" ? e.cost ?? 0 : 0), 0);
    assert.equal(spend, truth.spend.total);
  });

  it("ab2.sh stops after --iterations and stops cleanly on SIGINT", async () => {
    const bounded = await run(AB2_SH, ["--url", api.url, "--iterations", "1", "--sleep", "0"]);
    assert.equal(bounded.status, 0, bounded.stderr);
    assert.match(bounded.stdout, /ab2\.sh: stopped after 1 iteration\(s\)/);

    const child = spawn(AB2_SH, ["--url", api.url, "--sleep", "60"], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let interruptedAt = 0;
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      // Interrupt during the 60 s pause after the first iteration.
      if (out.includes("ab2.sh: sleeping 60 s") && !interruptedAt) {
        interruptedAt = Date.now();
        child.kill("SIGINT");
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    assert.equal(code, 0);
    assert.ok(Date.now() - interruptedAt < 20_000, `stopped ${Date.now() - interruptedAt} ms after SIGINT, not at once`);
    assert.match(out, /ab2\.sh: stopped after 1 iteration\(s\)/);
  });

  it("ab.sh fails with a clear message when the API is not there", async () => {
    const result = await run(AB_SH, ["--url", "http://127.0.0.1:9"]);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /is the API running at http:\/\/127\.0\.0\.1:9/);
  });
});
