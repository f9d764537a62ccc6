import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { waitUntil } from "../helpers/wait";
import { readLog, request, tempDataDir, testConfig } from "./helpers";

const BIN = path.join(__dirname, "..", "..", "src", "bin", "api.js");

function runBin(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
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

  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    it(`on ${signal} answers the requests it accepted, with their events in the log, and exits 0`, async () => {
      const dataDir = tempDataDir();
      // A linger far past the 5 s publish timeout: only the shutdown flush can get this request a 200.
      const env = { PORT: "0", API_HOST: "127.0.0.1", DATA_DIR: dataDir, PUBLISH_LINGER_MS: "60000", LOG_LEVEL: "debug" };
      const run = runBin([], env);
      let signalled = false;
      const exitedEarly = run.exited.then(() => {
        if (!signalled) throw new Error(`exited early: ${run.err()}`);
        return "";
      });
      exitedEarly.catch(() => undefined); // seen through the races below
      const url = await Promise.race([waitForLine(run.err, /url=(http:\/\/\S+)/), exitedEarly]);
      const pending = request(url, "/purchase_a_sword/katana");
      // The server has read the request when its batch starts lingering (a debug line).
      await Promise.race([waitForLine(run.err, /batch lingering/), exitedEarly]);
      signalled = true;
      run.child.kill(signal);
      const reply = await pending;
      assert.equal(reply.status, 200);
      assert.equal(await run.exited, 0);
      const events = readLog(testConfig(dataDir));
      assert.deepEqual(events.map((e) => e.event_id), [reply.body.event_id]);
    });
  }
});

/** The first capture of `pattern` in the growing text `text()`; fails after `timeoutMs`. */
async function waitForLine(text: () => string, pattern: RegExp, timeoutMs = 20_000): Promise<string> {
  let match: RegExpExecArray | null = null;
  await waitUntil(() => (match = pattern.exec(text())) !== null, `a line matching ${pattern}`, { timeoutMs, everyMs: 20 });
  return match![1] ?? match![0];
}
