/**
 * The sink process keeps V8's young generation at its initial size (src/bin/sink-memory.ts): under
 * a workload whose objects keep surviving scavenges, the new space of a process that loads it stays
 * small, while the same workload without it grows the new space (the control: the test would pass
 * for nothing if V8 did not grow it anyway).
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { describe, it } from "node:test";

const MODULE = path.join(__dirname, "..", "..", "src", "bin", "sink-memory.js");

/** Allocates 2M small objects, keeping the last 100,000 alive (records in flight); prints the new space's size in MiB. */
const WORKLOAD = `
let keep = [];
for (let i = 0; i < 2e6; i++) { keep.push({ offset: i, value: "x" + i }); if (keep.length > 100000) keep = []; }
const space = require("node:v8").getHeapSpaceStatistics().find((s) => s.space_name === "new_space");
process.stdout.write(String(space.space_size / 2 ** 20));
`;

function newSpaceMiB(preload: string[]): number {
  return Number(execFileSync(process.execPath, [...preload, "-e", WORKLOAD], { encoding: "utf8" }));
}

describe("the sink process's heap", () => {
  it("keeps the young generation at its initial size where V8 would grow it", () => {
    const bounded = newSpaceMiB(["-r", MODULE]);
    const unbounded = newSpaceMiB([]);
    assert.ok(bounded <= 4, `new space ${bounded} MiB with the bound`);
    assert.ok(unbounded > bounded * 2, `control: new space ${unbounded} MiB without the bound, ${bounded} MiB with it`);
  });
});
