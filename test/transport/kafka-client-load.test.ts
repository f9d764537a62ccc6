/**
 * Loading the Kafka client through src/transport/kafka/client.ts compiles none of its option
 * validators (they cost ~0.3 CPU-s of every Kafka process's start, issue 18), and a client that does
 * validate its options (`strict: true`) still gets the validator's verdict and message.
 * In a child process: the module cache of this one may already hold the client.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { describe, it } from "node:test";

const CLIENT = path.join(__dirname, "..", "..", "src", "transport", "kafka", "client.js");

/** Counts Ajv compilations (of the Ajv the client loads) while the client is loaded, then while a strict client checks bad options. */
const SCRIPT = `
const { createRequire } = require("node:module");
const load = createRequire(require.resolve("@platformatic/kafka"));
const core = load("ajv/dist/core.js").default;
let compiled = 0;
const compile = core.prototype.compile;
core.prototype.compile = function (...args) { compiled++; return compile.apply(this, args); };
const client = require(${JSON.stringify(CLIENT)});
const atLoad = compiled;
let message = null;
try { new client.Consumer({ clientId: 42, bootstrapBrokers: ["127.0.0.1:1"], groupId: "g", strict: true }); } catch (error) { message = error.message; }
const afterStrict = compiled;
const { Ajv2020 } = load("ajv/dist/2020.js");
process.stdout.write(JSON.stringify({ atLoad, afterStrict, message, restored: !Object.prototype.hasOwnProperty.call(Ajv2020.prototype, "compile") }));
`;

describe("the Kafka client's loading", () => {
  it("compiles no option validator until a strict client validates, and that client still refuses bad options with the validator's message", () => {
    const out = JSON.parse(execFileSync(process.execPath, ["-e", SCRIPT], { encoding: "utf8", cwd: path.join(__dirname, "..", "..", "..") })) as {
      atLoad: number; afterStrict: number; message: string | null; restored: boolean;
    };
    assert.equal(out.atLoad, 0, "validators compiled while the client loaded");
    assert.ok(out.afterStrict > 0, "the strict client's validator was compiled on first use");
    assert.match(out.message ?? "", /clientId.*must be string/);
    assert.ok(out.restored, "Ajv compiles at once again after the client is loaded");
  });
});
