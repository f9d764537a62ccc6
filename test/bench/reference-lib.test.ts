import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { describe, it } from "node:test";
import { honourConnectionClose } from "../../bench/reference/lib/load";
import { parseEvent } from "../../src/events";
import { eventFor, expectedTableRows, interleave, REFERENCE_MIX } from "../../bench/reference/lib/mix";
import { descendants, parseStat, type ProcStat } from "../../bench/reference/lib/procfs";
import { parseEnvFile } from "../../bench/reference/lib/settings";
import { markdownTable, median, percentile, ratio } from "../../bench/reference/lib/stats";

describe("benchmark statistics", () => {
  it("takes the middle value as median and nearest-rank percentiles", () => {
    assert.equal(median([5, 1, 3]), 3);
    assert.equal(percentile([10, 20, 30, 40], 50), 20);
    assert.equal(percentile(Array.from({ length: 100 }, (_, i) => i + 1), 99), 99);
    assert.ok(Number.isNaN(median([])));
  });

  it("gives no ratio against zero", () => {
    assert.equal(ratio(10, 4), 2.5);
    assert.ok(Number.isNaN(ratio(1, 0)));
  });

  it("formats a markdown table", () => {
    assert.equal(markdownTable(["a", "b"], [["1", "2"]]), "| a | b |\n| --- | --- |\n| 1 | 2 |");
  });
});

describe("process tree sampling", () => {
  it("parses /proc/<pid>/stat even when the command name has spaces and parentheses", () => {
    const fields = Array.from({ length: 50 }, (_, i) => String(i + 3));
    fields[4 - 3] = "77"; // ppid
    fields[14 - 3] = "150"; // utime
    fields[15 - 3] = "50"; // stime
    fields[22 - 3] = "999"; // starttime
    fields[24 - 3] = "2048"; // rss pages
    const stat = parseStat(`4242 (java (main) x) ${fields.join(" ")}`);
    assert.deepEqual(stat, { pid: 4242, ppid: 77, cpuTicks: 200, startTicks: 999, rssPages: 2048 });
  });

  it("finds every descendant of the root and nothing else", () => {
    const p = (pid: number, ppid: number): ProcStat => ({ pid, ppid, cpuTicks: 0, startTicks: 0, rssPages: 0 });
    const tree = descendants(10, [p(10, 1), p(11, 10), p(12, 11), p(13, 1), p(14, 12)]);
    assert.deepEqual([...tree].sort(), [10, 11, 12, 14]);
  });
});

describe("the reference request mix", () => {
  it("has the 32 requests of ab.sh, each kind in proportion", () => {
    const seq = interleave(REFERENCE_MIX);
    assert.equal(seq.length, 32);
    assert.equal(seq.filter((r) => r.path === "/").length, 10);
    assert.equal(seq.slice(0, 16).filter((r) => r.path === "/").length, 5);
  });

  it("turns requests into events that satisfy the contract", () => {
    for (const [i, r] of interleave(REFERENCE_MIX).entries()) {
      const parsed = parseEvent(Buffer.from(eventFor(r, Date.UTC(2026, 10, 27), i)), 65536);
      assert.equal(parsed.ok, true, JSON.stringify(parsed));
    }
  });

  it("predicts the rows each reference table gets", () => {
    assert.deepEqual(expectedTableRows(32), { sword_purchases: 5, purchases: 7, guilds: 15 });
    assert.deepEqual(expectedTableRows(64 + 1).guilds, 30 + (interleave(REFERENCE_MIX)[0].path.includes("guild") ? 1 : 0));
  });
});

describe("setup-reference env file", () => {
  it("reads the exported values", () => {
    assert.deepEqual(parseEnvFile('# c\nexport A_B="/x/y"\nexport JAVA_HOME="/usr/lib/jvm/j"\n'), { A_B: "/x/y", JAVA_HOME: "/usr/lib/jvm/j" });
  });
});

describe("load generator", () => {
  it("opens a fresh connection after a response that said Connection: close, instead of writing to the closing one", () => {
    const calls: string[] = [];
    const client = Object.assign(new EventEmitter(), {
      reqsMade: 1,
      destroyed: false,
      _doRequest() { calls.push("write"); },
      _destroyConnection() { calls.push("destroy"); },
      _connect() { calls.push("connect"); },
    });
    honourConnectionClose(client);
    client.emit("headers", { shouldKeepAlive: true });
    client._doRequest();
    client.emit("headers", { shouldKeepAlive: false });
    client._doRequest();
    assert.deepEqual(calls, ["write", "destroy", "connect"]);
  });
});
