/** Helpers for in-process API tests: a temp data dir, raw HTTP requests, and reading the log. */
import Database from "better-sqlite3";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { loadConfig, type Config } from "../../src/config";
import { parseEvent, type GameEvent } from "../../src/events";

export function tempDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "api-test-"));
}

/** Configuration for a test API: its own data dir, an ephemeral port, loopback only. */
export function testConfig(dataDir: string, env: Record<string, string> = {}): Config {
  return loadConfig({ DATA_DIR: dataDir, PORT: "0", API_HOST: "127.0.0.1", LOG_LEVEL: "silent", ...env });
}

export interface Reply {
  status: number;
  body: { ok?: boolean; event_id?: string; message?: string; error?: string } & Record<string, unknown>;
  text: string;
  headers: http.IncomingHttpHeaders;
}

/** One HTTP request on a fresh connection (so Host and other headers are exactly ours). */
export function request(base: string, target: string, options: { headers?: Record<string, string>; method?: string; body?: string } = {}): Promise<Reply> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, path: target, method: options.method ?? "GET", headers: { host: "user1.comcast.com", ...options.headers }, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let body: Reply["body"] = {};
          try {
            body = JSON.parse(text) as Reply["body"];
          } catch {
            // 431 from node itself has no JSON body
          }
          resolve({ status: res.statusCode ?? 0, body, text, headers: res.headers });
        });
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

/** Every event in the embedded log's topic, in offset order, parsed by the contract. */
export function readLog(config: Config): GameEvent[] {
  return readRecords(config).map((r) => r.event);
}

/** The log's records: message key and parsed event. */
export function readRecords(config: Config): { key: string | null; event: GameEvent }[] {
  if (!fs.existsSync(config.transport.embeddedPath)) return [];
  const db = new Database(config.transport.embeddedPath, { readonly: true });
  try {
    const rows = db.prepare("SELECT key, value FROM records WHERE topic = ? ORDER BY partition, offset").all(config.transport.topic) as { key: string | null; value: Buffer }[];
    return rows.map((r) => {
      const parsed = parseEvent(r.value);
      if (!parsed.ok) throw new Error(`the API logged an invalid event: ${parsed.reason} ${parsed.detail}`);
      return { key: r.key, event: parsed.event };
    });
  } finally {
    db.close();
  }
}
