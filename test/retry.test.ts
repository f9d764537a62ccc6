import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { StorageError, ValidationError } from "../src/errors";
import { exponentialBackoff, withRetry } from "../src/retry";

/** A task that fails with each of `failures` in turn, then answers "done"; counts its tries. */
function flaky(failures: Error[]): { task: () => Promise<string>; tries: () => number } {
  let tries = 0;
  return {
    task: () => {
      const failure = failures[tries++];
      return failure ? Promise.reject(failure) : Promise.resolve("done");
    },
    tries: () => tries,
  };
}

describe("retry with back-off", () => {
  it("tries again after retriable failures, waiting the back-off each time, and returns the answer", async () => {
    const { task, tries } = flaky([new StorageError("busy"), new StorageError("busy")]);
    const waits: number[] = [];
    const answer = await withRetry(task, { attempts: 5, backoffMs: (n) => n, onRetry: ({ waitMs }) => waits.push(waitMs) });
    assert.equal(answer, "done");
    assert.equal(tries(), 3);
    assert.deepEqual(waits, [1, 2]);
  });

  it("stops at the first failure that is not retriable", async () => {
    const invalid = new ValidationError("bad");
    const { task, tries } = flaky([invalid, new StorageError("busy")]);
    await assert.rejects(withRetry(task, { attempts: 5, backoffMs: () => 1 }), (e) => e === invalid);
    assert.equal(tries(), 1);
  });

  it("gives up after the given number of tries with the last failure", async () => {
    const last = new StorageError("still busy");
    const { task, tries } = flaky([new StorageError("busy"), last, new StorageError("never tried")]);
    await assert.rejects(withRetry(task, { attempts: 2, backoffMs: () => 1 }), (e) => e === last);
    assert.equal(tries(), 2);
  });

  it("doubles the back-off from the first wait up to its bound", () => {
    assert.deepEqual([1, 2, 3, 4, 5, 6].map(exponentialBackoff(400, 5000)), [400, 800, 1600, 3200, 5000, 5000]);
  });
});
