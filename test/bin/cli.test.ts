import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { describe, it } from "node:test";
import { parseArgs } from "node:util";
import { environmentHelp, failureOutcome, UsageError } from "../../src/bin/cli";
import { ConfigError, StorageError } from "../../src/errors";

const BIN = path.join(__dirname, "..", "..", "src", "bin");

describe("the shared command-line frame", () => {
  it("answers a usage error with exit 2, the message and the usage", () => {
    const outcome = failureOutcome("sink", "usage: npm run sink", new UsageError("unknown argument: --fast"));
    assert.equal(outcome.code, 2);
    assert.equal(outcome.message, "unknown argument: --fast\n\nusage: npm run sink");
  });

  it("treats node's parseArgs rejections as usage errors", () => {
    let rejection: unknown;
    try {
      parseArgs({ args: ["--nope"], options: { topic: { type: "string" } } });
    } catch (error) {
      rejection = error;
    }
    assert.equal(failureOutcome("create-topic", "usage", rejection).code, 2);
  });

  it("answers a bad configuration with exit 2 and the variable's message", () => {
    const outcome = failureOutcome("api", "usage", new ConfigError('PORT must be an integer >= 0, got "lots"', "PORT"));
    assert.deepEqual(outcome, { code: 2, message: 'bad configuration: PORT must be an integer >= 0, got "lots"' });
  });

  it("answers any other failure with exit 1 naming the command", () => {
    const outcome = failureOutcome("sink", "usage", new StorageError("cannot write", "/x"));
    assert.equal(outcome.code, 1);
    assert.match(outcome.message, /^sink failed: .*cannot write/);
  });

  it("lists the selected configuration variables with their defaults", () => {
    const lines = environmentHelp((v) => v === "PORT" || v === "DATA_DIR");
    assert.equal(lines.length, 3);
    assert.match(lines[0], /^Environment/);
    assert.ok(lines.some((l) => /^ {2}PORT +5000 +\S/.test(l)), lines.join("\n"));
    assert.ok(lines.some((l) => /^ {2}DATA_DIR /.test(l)));
  });

  it("sink: --workers is refused with batch mode and on the embedded log, with a message saying why (exit 2)", () => {
    const env = { PATH: process.env.PATH, TRANSPORT: "embedded" };
    const batch = spawnSync(process.execPath, [path.join(BIN, "sink.js"), "--mode", "batch", "--workers", "2"], { encoding: "utf8", timeout: 30_000, env });
    assert.equal(batch.status, 2, batch.stdout + batch.stderr);
    assert.match(batch.stderr, /--workers runs streaming workers/);
    const embedded = spawnSync(process.execPath, [path.join(BIN, "sink.js"), "--mode", "stream", "--workers", "2"], { encoding: "utf8", timeout: 30_000, env });
    assert.equal(embedded.status, 2, embedded.stdout + embedded.stderr);
    assert.match(embedded.stderr, /--workers N needs Kafka/);
  });

  for (const bin of ["api", "sink", "load", "create-topic", "main"]) {
    it(`${bin}: --help prints the usage and exits 0; an unknown flag exits 2`, () => {
      const help = spawnSync(process.execPath, [path.join(BIN, `${bin}.js`), "--help"], { encoding: "utf8", timeout: 30_000 });
      assert.equal(help.status, 0, help.stderr);
      assert.match(help.stdout, /usage/i);
      const bad = spawnSync(process.execPath, [path.join(BIN, `${bin}.js`), "--no-such-flag"], { encoding: "utf8", timeout: 30_000 });
      assert.equal(bad.status, 2, bad.stdout + bad.stderr);
      assert.match(bad.stderr, /no-such-flag/);
    });
  }
});
