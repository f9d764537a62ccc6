/**
 * Writes proj3_writeup.md from the notebooks nbconvert exported (called by scripts/report.sh):
 *   node dist/src/bin/report.js --run DATA_DIR/report/run.json --out proj3_writeup.md part.md...
 */
import * as fs from "node:fs";
import { parseArgs } from "node:util";
import type { RunRecord } from "../pipeline";
import { assembleWriteup } from "../report/writeup";

function main(): void {
  const { values, positionals } = parseArgs({ options: { run: { type: "string" }, out: { type: "string" } }, allowPositionals: true });
  if (!values.run || !values.out || positionals.length === 0) {
    process.stderr.write("usage: report.js --run run.json --out proj3_writeup.md part.md...\n");
    process.exit(2);
  }
  const run = JSON.parse(fs.readFileSync(values.run, "utf8")) as RunRecord;
  const parts = positionals.map((file) => fs.readFileSync(file, "utf8"));
  fs.writeFileSync(values.out, assembleWriteup(run, parts, new Date()));
}

main();
