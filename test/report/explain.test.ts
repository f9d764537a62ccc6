import { test } from "node:test";
import assert from "node:assert/strict";
import { explained, explainError } from "../../src/report/explain";

test("an error without a message is explained by its code, the errors it aggregates and its cause", () => {
  const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9092"), { code: "ECONNREFUSED" });
  const aggregate = new AggregateError([refused], "");
  const outer = new Error("", { cause: aggregate });
  assert.equal(explainError(outer), "Error: (no message) caused by AggregateError: (no message) [Error (ECONNREFUSED): connect ECONNREFUSED 127.0.0.1:9092]");
});

test("a wrapped session rethrows with the step's name, sync and async, and passes results through", async () => {
  const session = explained({
    ok: () => 3,
    later: async () => 4,
    broken: () => { throw new Error(""); },
    brokenLater: async () => { throw new TypeError("bad"); },
  });
  assert.equal(session.ok(), 3);
  assert.equal(await session.later(), 4);
  assert.throws(() => session.broken(), /^ReportError: broken failed: Error: \(no message\)$/);
  await assert.rejects(session.brokenLater(), (e: Error) => e.message === "brokenLater failed: TypeError: bad" && e.cause instanceof TypeError);
});
