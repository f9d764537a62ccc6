/** Fresh databases on the stack's PostgreSQL, one per test, so tests never see each other's rows. */
import { randomUUID } from "node:crypto";
import { Client } from "pg";
import { POSTGRES_URL } from "../../stack/stack";

/** Creates an empty database and returns its URL. */
export async function freshDatabase(prefix = "test"): Promise<string> {
  const name = `${prefix}_${randomUUID().replace(/-/g, "").slice(0, 12)}`;
  const admin = new Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return POSTGRES_URL.replace(/\/[^/]+$/, `/${name}`);
}
