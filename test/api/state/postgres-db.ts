/** Fresh databases on the stack's PostgreSQL, one per test, so tests never see each other's rows. */
import { randomUUID } from "node:crypto";
import { Client } from "pg";
import type { Secret } from "../../../src/secret";
import { POSTGRES_URL, stackConfig } from "../../stack/stack";

/** The stack's PostgreSQL login: none on a plain stack; the game user's password and TLS on a secured one. */
export function postgresLogin(): { password: Secret | null; ca: string | null } {
  const store = stackConfig({ API_STORE: "postgres" }).api.store;
  return { password: store.postgresPassword, ca: store.postgresCa };
}

/** A client of the database at `url`, logged in as the stack says (not connected yet). */
export function databaseClient(url: string): Client {
  const { password, ca } = postgresLogin();
  const withPassword = new URL(url);
  if (password) withPassword.password = encodeURIComponent(password.reveal());
  return new Client({ connectionString: withPassword.toString(), ...(ca ? { ssl: { ca } } : {}) });
}

/** Creates an empty database and returns its URL. */
export async function freshDatabase(prefix = "test"): Promise<string> {
  const name = `${prefix}_${randomUUID().replace(/-/g, "").slice(0, 12)}`;
  const admin = databaseClient(POSTGRES_URL);
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return POSTGRES_URL.replace(/\/[^/]+$/, `/${name}`);
}
