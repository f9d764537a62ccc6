import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../src/report/notebook";
import { runReportAndCheck } from "./report-run";

// Notebook execution needs Jupyter; CI installs it (scripts/setup-jupyter.sh), a laptop may not have it.
const hasJupyter = spawnSync("bash", ["-c", "command -v jupyter-nbconvert"]).status === 0;
const skip = !hasJupyter && !process.env.CI ? "jupyter-nbconvert is not installed (bash scripts/setup-jupyter.sh); in CI this test runs" : false;

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
    spawnSync("bash", [path.join(PROJECT_ROOT, "scripts", "setup-jupyter.sh"), "--local"], { encoding: "utf8" });
    const file = path.join(dir, "fails.ipynb");
    fs.writeFileSync(file, JSON.stringify(tslabNotebook(['const x: number = 1;', 'throw new Error("boom from a cell");', 'const after = 2;'])));
    const run = spawnSync("jupyter-nbconvert", ["--to", "markdown", "--execute", "--ExecutePreprocessor.kernel_name=tslab", "--output-dir", dir, file], {
      encoding: "utf8",
      env: { ...process.env, JUPYTER_PATH: path.join(PROJECT_ROOT, ".jupyter", "share", "jupyter") },
    });
    assert.notEqual(run.status, 0);
    assert.match(run.stderr, /boom from a cell/);
    assert.equal(fs.existsSync(path.join(dir, "fails.md")), false);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("npm run report executes the notebooks on the embedded default and writes the write-up with every chart", { skip, timeout: 600_000 }, () => {
  runReportAndCheck({ PIPELINE_STACK: "embedded" }, { stack: /on the embedded default/, requests: 600 });
});
