/**
 * The metastore must stay quiet when nobody calls it: without the transaction tables, a compactor
 * thread left on loops without pause, burning a core and writing gigabytes of warnings an hour.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { ensureStack } from "./stack";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("Hive Metastore at rest", () => {
  it("neither writes to its log nor spends CPU while idle", async () => {
    await ensureStack(["metastore"]);
    const home = process.env.STACK_HOME ?? path.join(os.homedir(), ".local", "state", "game-events-stack");
    const log = path.join(home, "logs", "metastore.log");
    const pid = Number(fs.readFileSync(path.join(home, "run", "metastore.pid"), "utf8").trim());
    const cpuTicks = () => {
      const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
      return Number(fields[11]) + Number(fields[12]); // utime + stime, in clock ticks (1/100 s)
    };
    const size0 = fs.statSync(log).size;
    const ticks0 = cpuTicks();
    await sleep(5000);
    const grew = fs.statSync(log).size - size0;
    const cpuSeconds = (cpuTicks() - ticks0) / 100;
    assert.ok(grew < 64 * 1024, `metastore log grew ${grew} bytes in 5 s`);
    assert.ok(cpuSeconds < 1, `metastore used ${cpuSeconds} CPU-s in 5 s of rest`);
  });
});
