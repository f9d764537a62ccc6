/**
 * Stack-tier fixture: a PrestoEngine on a schema of its own and WebHDFS storage under a folder of
 * its own, both dropped afterwards (external tables: DROP TABLE leaves files, so they go too).
 */
import { PrestoEngine } from "../../src/query";
import { WebHdfsStorage } from "../../src/storage";
import { ensureStack, stackConfig } from "../stack/stack";

const config = stackConfig();
const { storage: s, query: q } = config;
export const ENGINE_KIND: "trino" | "presto" = q.kind === "presto" ? "presto" : "trino";

/** Brings up (or reuses) HDFS, the metastore and Trino; fails, never skips, when they cannot start. */
export function ensureSqlStack(): Promise<void> {
  return ensureStack(["hdfs", "metastore", "trino"]);
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
