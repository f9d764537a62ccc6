import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { inspect } from "node:util";
import { loadConfig } from "../src/config";
import { readSecret, Secret } from "../src/secret";

const KEY = "s3cr3t-key-0123456789";

describe("secrets in configuration", () => {
  it("print as [redacted] in JSON, inspect and strings; reveal() gives the value", () => {
    const secret = new Secret(KEY);
    const shown = [JSON.stringify({ secret }), inspect({ secret }), `${secret}`, String(secret)];
    for (const text of shown) assert.ok(!text.includes(KEY) && text.includes("[redacted]"), text);
    assert.equal(secret.reveal(), KEY);
  });

  it("come from NAME or from the file NAME_FILE names, without the file's trailing newline", () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "secret-")), "key");
    fs.writeFileSync(file, `${KEY}\n`);
    assert.equal(readSecret({ TOKEN: KEY }, "TOKEN")?.reveal(), KEY);
    assert.equal(readSecret({ TOKEN_FILE: file }, "TOKEN")?.reveal(), KEY);
    assert.equal(readSecret({}, "TOKEN"), null);
    assert.throws(() => readSecret({ TOKEN: KEY, TOKEN_FILE: file }, "TOKEN"), /set TOKEN or TOKEN_FILE, not both/);
    assert.throws(() => readSecret({ TOKEN_FILE: `${file}.missing` }, "TOKEN"), /TOKEN_FILE: cannot read .*ENOENT/);
  });

  it("parses API_KEYS into one key per application, and never shows a key in a config error", () => {
    const config = loadConfig({ API_KEYS: `mobile:${KEY}, web:${KEY}-web` });
    assert.deepEqual(config.api.keys.map((k) => [k.app, k.key.reveal()]), [["mobile", KEY], ["web", `${KEY}-web`]]);
    assert.equal(config.load.apiKey?.reveal(), KEY, "the pipeline's own load uses the first key unless LOAD_API_KEY is set");
    const bad = [`mobile:${KEY},web:${KEY}`, `mobile:${KEY},mobile:${KEY}x`, "mobile:short-key", KEY, `bad app:${KEY}`];
    for (const value of bad) {
      assert.throws(() => loadConfig({ API_KEYS: value }), (error: Error) => {
        assert.match(error.message, /^API_KEYS: /);
        assert.ok(!error.message.includes(KEY) && !error.message.includes("short-key"), error.message);
        return true;
      });
    }
  });

  it("refuses a per-key rate without keys and a request timeout shorter than the headers timeout", () => {
    assert.throws(() => loadConfig({ API_KEY_RATE: "10" }), /API_KEY_RATE limits each API key: set API_KEYS too/);
    assert.throws(() => loadConfig({ API_HEADERS_TIMEOUT_MS: "5000", API_REQUEST_TIMEOUT_MS: "1000" }), /API_REQUEST_TIMEOUT_MS \(1000\) must be >= API_HEADERS_TIMEOUT_MS/);
  });

  it("keeps the API open with no keys and no limits when nothing is configured", () => {
    const { api, load } = loadConfig({});
    assert.deepEqual([api.keys.length, api.rateLimit.key.perSecond, api.rateLimit.player.perSecond, load.apiKey], [0, 0, 0, null]);
  });
});
