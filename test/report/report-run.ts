/**
 * `npm run report` and an edited notebook, executed for real (nbconvert and the tslab kernel from
 * .jupyter/venv): the fast tier runs it on the embedded default, the stack tier on the real stack.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../src/notebook";

export const JUPYTER_PATH = path.join(PROJECT_ROOT, ".jupyter", "venv", "share", "jupyter");
export const NBCONVERT = path.join(PROJECT_ROOT, ".jupyter", "venv", "bin", "jupyter-nbconvert");

/** Why notebook tests cannot run here (no JupyterLab environment), or false. CI installs it. */
export function jupyterSkipReason(): string | false {
  if (fs.existsSync(NBCONVERT) || process.env.CI) return false;
  return "JupyterLab is not installed (bash scripts/setup-jupyter.sh); in CI this test runs";
}

/** Executes a notebook to markdown in `outDir`; returns the markdown. Fails with nbconvert's stderr. */
export function executeNotebook(notebook: string, outDir: string, env: Record<string, string>): string {
  const name = path.basename(notebook, ".ipynb");
  const run = spawnSync(NBCONVERT, ["--to", "markdown", "--execute", "--ExecutePreprocessor.kernel_name=tslab", "--ExecutePreprocessor.timeout=600", "--output-dir", outDir, "--output", name, notebook], {
    encoding: "utf8",
    env: { ...process.env, JUPYTER_PATH, ...env },
  });
  assert.equal(run.status, 0, run.stderr.slice(-3000));
  return fs.readFileSync(path.join(outDir, `${name}.md`), "utf8");
}

/** The markdown of one section: from its heading to the next heading of the same or a higher level. */
function section(md: string, heading: string): string {
  const start = md.indexOf(heading);
  assert.ok(start >= 0, `no section ${heading}`);
  const level = heading.match(/^#+/)?.[0].length ?? 2;
  const rest = md.slice(start + heading.length);
  const next = rest.search(new RegExp(`\\n#{1,${level}} `));
  return next < 0 ? rest : rest.slice(0, next);
}

/** Data rows of the markdown tables in `text`. */
const tableRows = (text: string) => text.split("\n").filter((l) => l.startsWith("| ") && !/^\| ---/.test(l)).length - 1;

/**
 * Registers the report tests: `npm run report` writes a write-up that checks every answer against
 * the ground truth, shows its code and charts and no log lines; then an edited copy of
 * 02-analysis.ipynb (a LIMIT, a colour, a new cell) runs against the same tables and its output
 * shows the edits.
 */
export function reportTests(env: Record<string, string>, expect: { stack: RegExp; requests: number }, skip: string | false): void {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "report-out-"));
  const data = fs.mkdtempSync(path.join(os.tmpdir(), "report-data-"));
  const runEnv = { REPORT_OUT_DIR: out, REPORT_DATA_DIR: data, REPORT_REQUESTS: String(expect.requests), REPORT_PLAYERS: "60", REPORT_AB_PASSES: "1", ...env };
  let md = "";
  before(() => {
    if (skip) return;
    const run = spawnSync("bash", [path.join(PROJECT_ROOT, "scripts", "report.sh")], { encoding: "utf8", env: { ...process.env, ...runEnv } });
    assert.equal(run.status, 0, run.stderr.slice(-4000));
    md = fs.readFileSync(path.join(out, "proj3_writeup.md"), "utf8");
  }, { timeout: 1_200_000 });
  after(() => {
    fs.rmSync(out, { recursive: true, force: true });
    fs.rmSync(data, { recursive: true, force: true });
  });

  test("npm run report writes the write-up: both parts, every question's SQL, the charts, the ground-truth checks all agreeing, no log lines", { skip }, () => {
    assert.match(md, /^# Project 3: Understanding User Behavior/);
    assert.match(md, expect.stack);
    assert.match(md, new RegExp(`${expect.requests} requests of the \`players\` scenario`));
    assert.match(md, /# Part 1: the pipeline/);
    assert.match(md, /# Part 2: analysis/);
    for (let i = 1; i <= 13; i++) assert.match(md, new RegExp(`db\\.queryFile\\("reference/${String(i).padStart(2, "0")}-`), `reference query ${i}`);
    assert.ok((md.match(/```sql\n/g) ?? []).length >= 13, "the SQL of each reference question is shown");
    assert.ok((md.match(/await sql\(`/g) ?? []).length >= 10, "the analysis SQL is in the cells");
    const images = [...md.matchAll(/!\[svg\]\((proj3_writeup_files\/[^)]+\.svg)\)/g)].map((m) => m[1]);
    assert.ok(images.length >= 8, `${images.length} charts`);
    for (const image of images) assert.match(fs.readFileSync(path.join(out, image), "utf8"), /^<svg/);
    assert.ok((md.match(/\bmark: /g) ?? []).length >= 8, "the chart specs are in the cells");
    assert.match(md, /\| question \| expected \| answer \| agrees \|/);
    assert.ok((md.match(/ \| yes \|\n/g) ?? []).length >= 16, "every ground-truth check is listed");
    assert.doesNotMatch(md, /\*\*NO\*\*/);
    assert.doesNotMatch(md, /\d\d:\d\d:\d\d\.\d{3} (DEBUG|INFO|WARN|ERROR)/, "log lines leaked into the write-up");
    // Any Node process warning (a library's TimeoutNegativeWarning, DeprecationWarning...) is noise too.
    assert.doesNotMatch(md, /TensorFlow\.js|DeprecationWarning|ExperimentalWarning|\(node:\d+\) \w*Warning/);
  });

  test("a user's edits to a copy of 02-analysis.ipynb (a LIMIT, a bar colour, a new query cell) show in its output without a rebuild", { skip, timeout: 600_000 }, () => {
    // The copy sits beside notebooks/ so its `../dist/src/notebook` import resolves as the original's.
    const dir = fs.mkdtempSync(path.join(PROJECT_ROOT, ".notebook-edit-"));
    try {
      const notebook = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "notebooks", "02-analysis.ipynb"), "utf8")) as { cells: { cell_type: string; source: string | string[] }[] };
      const text = (i: number) => [notebook.cells[i].source].flat().join("");
      const edit = (needle: string, from: string, to: string): number => {
        const i = notebook.cells.findIndex((c, n) => c.cell_type === "code" && text(n).includes(needle) && text(n).includes(from));
        assert.ok(i >= 0, `no cell with ${needle} and ${from}`);
        notebook.cells[i].source = text(i).replace(from, to);
        return i;
      };
      const joiners = edit("const joiners = await sql(", "LIMIT 10", "LIMIT 3");
      edit("Guilds by current members", "#72b7b2", "#d62728");
      notebook.cells.splice(joiners + 1, 0, {
        cell_type: "code", execution_count: null, metadata: {}, outputs: [],
        source: "const seen = await sql(`SELECT count(DISTINCT player_id) AS players_seen, count(*) AS events_seen FROM events`);\nawait show(seen);",
      } as (typeof notebook.cells)[number]);
      const copy = path.join(dir, "02-analysis-edited.ipynb");
      fs.writeFileSync(copy, JSON.stringify(notebook));
      const edited = executeNotebook(copy, dir, { ...runEnv, DATA_DIR: data, PORT: "0", SINK_METRICS_PORT: "0" });

      assert.equal(tableRows(section(edited, "### Players who joined the most guilds").split("const seen")[0]), 3, "LIMIT 3 shows three players");
      assert.match(edited, /\| players_seen \| events_seen \|\n\| ---: \| ---: \|\n\| \d+ \| \d+ \|/);
      const svgs = fs.readdirSync(path.join(dir, "02-analysis-edited_files")).map((f) => fs.readFileSync(path.join(dir, "02-analysis-edited_files", f), "utf8"));
      const guilds = svgs.filter((s) => s.includes("Guilds by current members"));
      assert.equal(guilds.length, 1);
      assert.ok(guilds[0].includes('fill="#d62728"') && !guilds[0].includes('fill="#72b7b2"'), "the bars have the new colour");
      assert.doesNotMatch(edited, /\*\*NO\*\*/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}
