/**
 * The metastore must stay quiet when nobody calls it: without the transaction tables, a compactor
 * thread left on loops without pause, burning a core and writing gigabytes of warnings an hour.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { ensureStack, servicePid } from "./stack";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("Hive Metastore at rest", () => {
  it("neither writes to its log nor spends CPU while idle", { timeout: 120_000 }, async () => {
    await ensureStack(["metastore"]);
    const home = process.env.STACK_HOME ?? path.join(os.homedir(), ".local", "state", "game-events-stack");
    const log = path.join(home, "logs", "metastore.log");
    const pid = await servicePid("metastore");
    assert.ok(pid !== null, "the metastore is not running");
    const cpuTicks = () => {
      const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
      return Number(fields[11]) + Number(fields[12]); // utime + stime, in clock ticks (1/100 s)
    };
    // Right after a start the metastore is still warming up (JIT, its init tasks): look at up to six
    // 5-second windows and require one quiet one. The looping compactor made every window busy.
    const windows: string[] = [];
    for (let w = 0; w < 6; w++) {
      const size0 = fs.statSync(log).size;
      const ticks0 = cpuTicks();
      await sleep(5000);
      const grew = fs.statSync(log).size - size0;
      const cpuSeconds = (cpuTicks() - ticks0) / 100;
      if (grew < 64 * 1024 && cpuSeconds < 1) return;
      windows.push(`log +${grew} bytes, ${cpuSeconds} CPU-s`);
    }
    assert.fail(`the metastore was busy in every 5 s window at rest: ${windows.join("; ")}`);
  });
});
