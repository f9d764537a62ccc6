/**
 * The secured stack's PostgreSQL (the API's shared state store): TLS with the stack's
 * certificate and the game user's password. A wrong password and a connection without TLS are
 * refused at once with PostgreSQL's reason. Skipped on a plain stack.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { openStateStore } from "../../src/api/state/factory";
import { silentLogger } from "../../src/logger";
import { Secret } from "../../src/secret";
import { ensureStack, stackConfig, stackIsSecure } from "./stack";

const secure = stackIsSecure();

describe("PostgreSQL on the secured stack", { skip: secure ? false : "the stack is not secured (npm run stack -- up --secure)" }, () => {
  const store = stackConfig({ API_STORE: "postgres" }).api.store;

  it("opens the state store over TLS with the game user's password", async () => {
    await ensureStack(["postgres"]);
    const opened = await openStateStore(store, silentLogger);
    await opened.close();
  });

  it("refuses a wrong password, saying so, without showing it", async () => {
    const started = Date.now();
    await assert.rejects(openStateStore({ ...store, postgresPassword: new Secret("not-the-password") }, silentLogger), (error: Error) => {
      assert.match(String(error.message) + String((error as { cause?: Error }).cause?.message), /password authentication failed for user "game"/);
      assert.ok(!JSON.stringify(error).includes("not-the-password"));
      return true;
    });
    assert.ok(Date.now() - started < 10_000);
  });

  it("refuses a connection without TLS", async () => {
    await assert.rejects(openStateStore({ ...store, postgresCa: null }, silentLogger), (error: Error) => {
      assert.match(String(error.message) + String((error as { cause?: Error }).cause?.message), /no encryption/);
      return true;
    });
  });
});
