/**
 * The whole pipeline (`npm start`) on the secured stack with API keys, logging at debug level,
 * then the same with a wrong Kafka password: every client logs in, the run checks its tables, the
 * wrong password ends in a clear error within a bound, and no password or key of the stack
 * appears in anything either run printed, nor in the write-up. Skipped on a plain stack.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { ensureStack, REPO_ROOT, stackEnv, stackIsSecure } from "./stack";

const secure = stackIsSecure();
const MAIN = path.join(REPO_ROOT, "dist", "src", "bin", "main.js");
const API_KEY = `k-${randomUUID()}`;
const WRONG_PASSWORD = `wrong-${randomUUID()}`;

/** Runs `npm start`'s entry point with `env` on top of the stack's settings; its exit code, output and duration. */
function runMain(env: Record<string, string>, args: string[], timeoutMs: number): Promise<{ code: number | null; output: string; ms: number }> {
  const started = Date.now();
  const child = spawn(process.execPath, [MAIN, ...args], {
    env: { PATH: process.env.PATH, ...stackEnv(), PIPELINE_STACK: "real", LOG_LEVEL: "debug", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr.on("data", (c: Buffer) => (output += c.toString()));
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  return new Promise((resolve) => child.on("close", (code) => {
    clearTimeout(timer);
    resolve({ code, output, ms: Date.now() - started });
  }));
}

/** Every secret of the secured stack: the generated passwords and the key and password the runs used. */
function secrets(): string[] {
  const dir = path.dirname(stackEnv().KAFKA_SSL_CA_FILE);
  const passwords = fs.readdirSync(path.join(dir, "passwords")).map((f) => fs.readFileSync(path.join(dir, "passwords", f), "utf8").trim());
  return [...passwords, API_KEY, WRONG_PASSWORD].filter((s) => s.length >= 8);
}

describe("secrets on the secured stack", { skip: secure ? false : "the stack is not secured (npm run stack -- up --secure)" }, () => {
  const printed: string[] = [];
  const run = (label: string) => ({ DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), `secrets-${label}-`)), EVENTS_TOPIC: `secrets-${label}-${randomUUID().slice(0, 8)}` });

  it("npm start runs the whole pipeline with every client logged in and an API key", { timeout: 600_000 }, async () => {
    await ensureStack(["hdfs", "kafka", "metastore", "trino"]);
    const result = await runMain({ ...run("ok"), API_KEYS: `pipeline:${API_KEY}` }, ["--players", "40", "--requests", "400"], 540_000);
    printed.push(result.output);
    assert.equal(result.code, 0, result.output.slice(-3000));
    assert.match(result.output, /every table holds each event of this run exactly once/);
  });

  it("a wrong Kafka password ends npm start with a clear error within 60 s", { timeout: 120_000 }, async () => {
    const result = await runMain({ ...run("wrong"), KAFKA_SASL_PASSWORD_FILE: "", KAFKA_SASL_PASSWORD: WRONG_PASSWORD }, ["--requests", "10"], 90_000);
    printed.push(result.output);
    assert.notEqual(result.code, 0);
    assert.ok(result.ms < 60_000, `gave up after ${result.ms} ms`);
    assert.match(result.output, /SASL|authentication/i);
  });

  it("no password or key appears in anything the runs printed, nor in the write-up", () => {
    const writeup = fs.readFileSync(path.join(REPO_ROOT, "proj3_writeup.md"), "utf8");
    for (const secret of secrets()) {
      for (const [where, text] of [...printed.map((t, i) => [`run ${i + 1}`, t]), ["proj3_writeup.md", writeup]]) {
        assert.ok(!text.includes(secret), `a secret (${secret.slice(0, 3)}...) appears in ${where}`);
      }
    }
    assert.ok(printed.join("").length > 1000, "the runs printed their logs");
  });
});
