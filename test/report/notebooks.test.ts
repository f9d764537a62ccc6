import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { JUPYTER_PATH, jupyterSkipReason, NBCONVERT, reportTests } from "./report-run";

const skip = jupyterSkipReason();

function tslabNotebook(cells: string[]): object {
  return {
    cells: cells.map((source, i) => ({ cell_type: "code", id: `c${i}`, metadata: {}, execution_count: null, outputs: [], source })),
    metadata: { kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" } },
    nbformat: 4,
    nbformat_minor: 5,
  };
}

test("a cell that throws fails the notebook run (no --allow-errors)", { skip }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nb-fail-"));
  try {
    const file = path.join(dir, "fails.ipynb");
    fs.writeFileSync(file, JSON.stringify(tslabNotebook(['const x: number = 1;', 'throw new Error("boom from a cell");', 'const after = 2;'])));
    const run = spawnSync(NBCONVERT, ["--to", "markdown", "--execute", "--ExecutePreprocessor.kernel_name=tslab", "--output-dir", dir, file], {
      encoding: "utf8",
      env: { ...process.env, JUPYTER_PATH },
    });
    assert.notEqual(run.status, 0);
    assert.match(run.stderr, /boom from a cell/);
    assert.equal(fs.existsSync(path.join(dir, "fails.md")), false);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

reportTests({ PIPELINE_STACK: "embedded" }, { stack: /on the embedded default/, requests: 600 }, skip);
