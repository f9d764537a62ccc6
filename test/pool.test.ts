import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Pool } from "../src/pool";

describe("Pool", () => {
  it("lends each item to one task at a time and serves waiting tasks in arrival order", async () => {
    const pool = new Pool(["a", "b"]);
    const busy = new Set<string>();
    const order: number[] = [];
    let overlap = false;
    await Promise.all(
      [0, 1, 2, 3, 4].map((i) =>
        pool.use(async (item) => {
          if (busy.has(item)) overlap = true;
          busy.add(item);
          order.push(i);
          await new Promise((r) => setTimeout(r, 5));
          busy.delete(item);
        }),
      ),
    );
    assert.equal(overlap, false);
    assert.deepEqual(order, [0, 1, 2, 3, 4]);
  });

  it("gives the item back when a task fails, and passes the failure on", async () => {
    const pool = new Pool([1]);
    await assert.rejects(pool.use(async () => Promise.reject(new Error("boom"))), /boom/);
    assert.equal(await pool.use(async (item) => item * 10), 10);
  });
});
