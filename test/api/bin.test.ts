import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { readLog, request, tempDataDir, testConfig } from "./helpers";

const BIN = path.join(__dirname, "..", "..", "src", "bin", "api.js");

function runBin(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c));
  child.stderr.on("data", (c: Buffer) => (stderr += c));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, exited, out: () => stdout, err: () => stderr };
}

describe("npm run api (src/bin/api.ts)", () => {
  it("prints its usage with --help and exits 0", async () => {
    const run = runBin(["--help"], {});
    assert.equal(await run.exited, 0);
    assert.match(run.out(), /PORT/);
    assert.match(run.out(), /PUBLISH_TIMEOUT_MS/);
  });

  it("exits non-zero with a message naming the variable on bad configuration", async () => {
    const run = runBin([], { PORT: "not-a-port", DATA_DIR: tempDataDir() });
    assert.equal(await run.exited, 2);
    assert.match(run.err(), /PORT must be an integer/);
  });

  it("exits non-zero naming the file when the catalogue is invalid", async () => {
    const dir = tempDataDir();
    const catalog = path.join(dir, "bad.json");
    fs.writeFileSync(catalog, JSON.stringify({ swords: { "no spaces": 1 }, shields: { buckler: 1 } }));
    const run = runBin([], { PORT: "0", DATA_DIR: dir, CATALOG_FILE: catalog });
    assert.equal(await run.exited, 2);
    assert.ok(run.err().includes(catalog), run.err());
  });

  it("on SIGTERM answers the requests it accepted, with their events in the log, and exits 0", async () => {
    const dataDir = tempDataDir();
    // A linger far past the 5 s publish timeout: only the shutdown flush can get this request a 200.
    const env = { PORT: "0", API_HOST: "127.0.0.1", DATA_DIR: dataDir, PUBLISH_LINGER_MS: "60000" };
    const run = runBin([], env);
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setInterval(() => {
        const match = /url=(http:\/\/\S+)/.exec(run.err());
        if (match) {
          clearInterval(timer);
          resolve(match[1]);
        }
      }, 20);
      void run.exited.then(() => reject(new Error(`exited early: ${run.err()}`)));
    });
    const pending = request(url, "/purchase_a_sword/katana");
    // Make sure the server has read that request: a later request on another connection answered.
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await request(url, "/healthz")).status, 200);
    run.child.kill("SIGTERM");
    const reply = await pending;
    assert.equal(reply.status, 200);
    assert.equal(await run.exited, 0);
    const events = readLog(testConfig(dataDir));
    assert.deepEqual(events.map((e) => e.event_id), [reply.body.event_id]);
  });
});
