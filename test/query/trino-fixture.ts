/**
 * Stack-tier fixture: a PrestoEngine on a schema of its own and WebHDFS storage under a folder of
 * its own, both dropped afterwards (external tables: DROP TABLE leaves files, so they go too).
 */
import { PrestoEngine } from "../../src/query";
import { WebHdfsStorage } from "../../src/storage";
import { stackConfig } from "../stack/stack";
import { requireService } from "../storage/stack-gate";

const config = stackConfig();
const { storage: s, query: q } = config;
export const ENGINE_KIND: "trino" | "presto" = q.kind === "presto" ? "presto" : "trino";

/** undefined when WebHDFS and the coordinator answer; else the skip message (throws under CI). */
export async function stackSkipReason(): Promise<string | undefined> {
  return (
    (await requireService("WebHDFS", `${s.webhdfsUrl}/webhdfs/v1/?op=GETFILESTATUS&user.name=${s.hdfsUser}`)) ??
    (await requireService(ENGINE_KIND === "trino" ? "Trino" : "Presto", `${q.prestoUrl}/v1/info`, q.ca))
  );
}

export function openStack(prefix: string): { engine: PrestoEngine; storage: WebHdfsStorage; cleanup(): Promise<void> } {
  const schema = `${prefix}_${Date.now().toString(36)}`;
  const root = `/tmp/${schema}`;
  const engine = new PrestoEngine({ kind: ENGINE_KIND, url: q.prestoUrl, catalog: q.catalog, schema, user: q.user, password: q.password, ca: q.ca });
  const storage = new WebHdfsStorage({ url: s.webhdfsUrl, hdfsUri: s.hdfsUri, user: s.hdfsUser, root });
  return {
    engine,
    storage,
    cleanup: async () => {
      const tables = await engine.query(`SHOW TABLES FROM ${q.catalog}.${schema}`).catch(() => ({ rows: [] }));
      for (const t of tables.rows) await engine.query(`DROP TABLE IF EXISTS ${q.catalog}.${schema}."${String(t.Table)}"`);
      await engine.query(`DROP SCHEMA IF EXISTS ${q.catalog}.${schema}`);
      await storage.delete(root);
    },
  };
}
