/**
 * The secured stack's Kafka (`npm run stack -- up --secure`): its client listener speaks only
 * SASL_SSL, its controller listener only TLS with a certificate of the stack's CA. A plaintext
 * client gets nothing from either, and gives up within its bound. Skipped on a plain stack.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { describe, it } from "node:test";
import { promisify } from "node:util";
import { ensureStack, stackIsSecure } from "./stack";

const run = promisify(execFile);
const secure = stackIsSecure();

/** kcat's metadata request in plaintext: its exit, output and how long it took. */
async function plaintextMetadata(address: string): Promise<{ ok: boolean; output: string; ms: number }> {
  const started = Date.now();
  try {
    const { stdout, stderr } = await run("kcat", ["-b", address, "-L", "-m", "5"], { timeout: 30_000 });
    return { ok: true, output: stdout + stderr, ms: Date.now() - started };
  } catch (error) {
    const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
    return { ok: false, output: stdout + stderr, ms: Date.now() - started };
  }
}

describe("Kafka on the secured stack", { skip: secure ? false : "the stack is not secured (npm run stack -- up --secure)" }, () => {
  it("refuses a plaintext client on the SASL_SSL listener: no metadata, a failure within the client's bound", async () => {
    await ensureStack(["kafka"]);
    const answer = await plaintextMetadata("127.0.0.1:9092");
    assert.equal(answer.ok, false, answer.output);
    assert.match(answer.output, /Failed to acquire metadata/);
    assert.doesNotMatch(answer.output, /broker 1 at/);
    assert.ok(answer.ms < 20_000, `gave up after ${answer.ms} ms`);
  });

  it("refuses a plaintext client on the controller listener", async () => {
    const answer = await plaintextMetadata("127.0.0.1:9093");
    assert.equal(answer.ok, false, answer.output);
    assert.doesNotMatch(answer.output, /broker 1 at|controller/i);
  });
});
