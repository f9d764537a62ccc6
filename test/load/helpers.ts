/** Helpers for the load tests: a temp API on the embedded log, and the log read back through the Transport. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadCatalog, type Catalog } from "../../src/api/catalog";
import { loadConfig, type Config } from "../../src/config";
import { parseEvent, type GameEvent } from "../../src/events";
import { silentLogger } from "../../src/logger";
import { createTransport } from "../../src/transport";

export const REPO = path.resolve(__dirname, "..", "..", "..");

export function tempDir(prefix = "load-test-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Config for a test API: its own data dir, an ephemeral port, loopback only. */
export function testConfig(dataDir: string, env: Record<string, string> = {}): Config {
  return loadConfig({ DATA_DIR: dataDir, PORT: "0", API_HOST: "127.0.0.1", LOG_LEVEL: "silent", ...env }, REPO);
}

export function catalog(config?: Config): Catalog {
  return loadCatalog(config?.api.catalogFile ?? path.join(REPO, "config", "catalog.json"), 64);
}

/** Every message of the topic, read through the Transport and parsed by the contract (dead letters counted). */
export async function readBack(config: Config): Promise<{ events: GameEvent[]; deadLetters: number }> {
  const transport = await createTransport(config.transport, silentLogger);
  try {
    const { topic } = config.transport;
    const end = await transport.endOffsets(topic);
    const remaining = new Map(end);
    const events: GameEvent[] = [];
    let deadLetters = 0;
    const done = () => [...remaining.values()].every((n) => n <= 0);
    if (done()) return { events, deadLetters };
    let finish: () => void = () => undefined;
    let fail: (error: Error) => void = () => undefined;
    const finished = new Promise<void>((resolve, reject) => ((finish = resolve), (fail = reject)));
    const subscription = await transport.consume({
      topic,
      groupId: "load-test",
      from: new Map(),
      onError: (error) => fail(error),
      onBatch: async (records) => {
        for (const record of records) {
          const last = (end.get(record.partition) ?? 0) - 1;
          if (record.offset > last) continue;
          const parsed = parseEvent(record.value);
          if (parsed.ok) events.push(parsed.event);
          else deadLetters++;
          remaining.set(record.partition, last - record.offset);
        }
        if (done()) finish();
      },
    });
    await finished;
    await subscription.stop();
    return { events, deadLetters };
  } finally {
    await transport.close();
  }
}
