import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { describeError, isRetriable, QueryError, StorageError, TransportError, ValidationError } from "../src/errors";

describe("errors", () => {
  it("retries what our errors flag as retriable, and nothing else of ours", () => {
    assert.equal(isRetriable(new TransportError("broker down")), true);
    assert.equal(isRetriable(new ValidationError("bad name")), false);
    assert.equal(isRetriable(new QueryError("timeout", "select 1", { retriable: true })), true);
  });

  it("reads the cause chain of an error from elsewhere down to the first error of ours", () => {
    const wrapped = new Error("library wrapper", { cause: new Error("inner", { cause: new StorageError("namenode busy") }) });
    assert.equal(isRetriable(wrapped), true);
    assert.equal(isRetriable(new Error("library wrapper", { cause: new ValidationError("bad") })), false);
  });

  it("lets our wrapper decide for what it wraps", () => {
    assert.equal(isRetriable(new QueryError("rejected", undefined, { cause: new TransportError("down") })), false);
    assert.equal(isRetriable(new StorageError("upload failed", "/w", { cause: new Error("ECONNRESET") })), true);
  });

  it("does not retry errors with no error of ours in their chain, nor thrown non-errors", () => {
    assert.equal(isRetriable(new Error("plain")), false);
    assert.equal(isRetriable("a string"), false);
    assert.equal(isRetriable(undefined), false);
    const loop = new Error("self-caused");
    (loop as { cause?: unknown }).cause = loop;
    assert.equal(isRetriable(loop), false);
  });

  it("describes an error with its causes on one line", () => {
    assert.equal(describeError(new StorageError("upload failed", "/w", { cause: new Error("ECONNRESET") })), "StorageError: upload failed <- Error: ECONNRESET");
  });

  it("describes a thrown value that is not an Error by its content", () => {
    assert.equal(describeError("broker gone"), "broker gone");
    assert.equal(describeError(new Error("wrapper", { cause: { errorName: "SERVER_STARTING_UP" } })), 'Error: wrapper <- {"errorName":"SERVER_STARTING_UP"}');
  });
});
