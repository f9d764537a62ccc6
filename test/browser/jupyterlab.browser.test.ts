/**
 * The notebooks in a real browser: scripts/lab.sh (what `npm run lab` runs) serves JupyterLab, headless
 * Chromium (Debian's, driven by playwright-core; never a browser Playwright downloads) opens
 * 02-analysis.ipynb, runs every cell, and JupyterLab's own Vega renderer draws the charts.
 * Screenshots go to test-results/jupyterlab/ (gitignored) for a human to look at.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { PROJECT_ROOT } from "../../src/notebook";
import { freePort } from "../helpers/ports";
import { executeNotebook, jupyterSkipReason } from "../report/report-run";

const CHROMIUM = "/usr/bin/chromium";
// Without the background-networking flags Chromium keeps dialling Google's hosts, which this
// machine's closed network refuses, many at a time.
const CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const SHOTS = path.join(PROJECT_ROOT, "test-results", "jupyterlab");

const skip = jupyterSkipReason() || (!fs.existsSync(CHROMIUM) && !process.env.CI ? "Debian's chromium is not installed (bash scripts/setup.sh)" : false);

const data = fs.mkdtempSync(path.join(os.tmpdir(), "lab-data-"));
// Served folder beside notebooks/, so the copy's `../dist/src/notebook` import resolves; JupyterLab
// autosaves what it runs, and the checkout's notebooks must not change.
const served = fs.mkdtempSync(path.join(PROJECT_ROOT, ".notebook-browser-"));
const token = randomBytes(16).toString("hex");
let lab: ChildProcess | undefined;
let labLog = "";
let browser: Browser | undefined;
let page: Page;

async function waitForLab(url: string, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    if (lab?.exitCode !== null) throw new Error(`npm run lab exited ${lab?.exitCode}:\n${labLog.slice(-3000)}`);
    try {
      if ((await fetch(`${url}/api/status?token=${token}`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`JupyterLab did not answer at ${url}:\n${labLog.slice(-3000)}`);
}

before(async () => {
  if (skip) return;
  const env = { ...process.env, DATA_DIR: data, PORT: "0", SINK_METRICS_PORT: "0", LOG_LEVEL: "warn", REPORT_REQUESTS: "600", REPORT_PLAYERS: "60", REPORT_AB_PASSES: "1", PIPELINE_STACK: "embedded" };
  // 1. The run 02 reads: the pipeline notebook, executed headlessly.
  executeNotebook(path.join(PROJECT_ROOT, "notebooks", "01-pipeline.ipynb"), fs.mkdtempSync(path.join(data, "01-")), env);
  fs.copyFileSync(path.join(PROJECT_ROOT, "notebooks", "02-analysis.ipynb"), path.join(served, "02-analysis.ipynb"));

  // 2. JupyterLab, started as `npm run lab` starts it once built (the test tier has built), on a free port.
  const port = await freePort();
  lab = spawn("bash", [path.join(PROJECT_ROOT, "scripts", "lab.sh"), "--no-browser", `--port=${port}`, "--ServerApp.ip=127.0.0.1", `--IdentityProvider.token=${token}`], {
    cwd: PROJECT_ROOT, env: { ...env, LAB_ROOT: served }, detached: true, stdio: ["ignore", "pipe", "pipe"],
  });
  lab.stdout?.on("data", (d) => (labLog += d));
  lab.stderr?.on("data", (d) => (labLog += d));
  const url = `http://127.0.0.1:${port}`;
  await waitForLab(url, Date.now() + 180_000);

  // 3. Chromium opens the notebook.
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(`${url}/lab/tree/02-analysis.ipynb?token=${token}`);
  await page.locator(".jp-Notebook .jp-Cell").first().waitFor({ timeout: 120_000 });
  await page.waitForFunction("document.querySelector(\".jp-Notebook-ExecutionIndicator[data-status='idle']\") !== null", undefined, { timeout: 120_000 });
}, { timeout: 600_000 });

after(async () => {
  await browser?.close();
  if (lab?.pid !== undefined && lab.exitCode === null) {
    process.kill(-lab.pid, "SIGTERM");
    await new Promise((r) => lab?.once("exit", r));
  }
  fs.rmSync(served, { recursive: true, force: true });
  fs.rmSync(data, { recursive: true, force: true });
});

test("JupyterLab runs 02-analysis.ipynb in Chromium and its own Vega renderer draws every chart", { skip, timeout: 900_000 }, async () => {
  // Run > Run All Cells, through the menu as a user does.
  await page.locator(".jp-Notebook .jp-Cell").first().click();
  await page.locator(".lm-MenuBar-itemLabel", { hasText: /^Run$/ }).click();
  await page.locator(".lm-Menu-itemLabel", { hasText: /^Run All Cells$/ }).click();
  // The last code cell closes the connection after the ground-truth table: wait for that table.
  await page.getByText("Current members per guild (joins minus leaves)", { exact: true }).waitFor({ timeout: 600_000 });
  await page.waitForFunction("![...document.querySelectorAll('.jp-InputPrompt')].some((p) => p.textContent.includes('*'))", undefined, { timeout: 300_000 });

  const errors = await page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").allInnerTexts();
  assert.deepEqual(errors, [], "no cell wrote to stderr or failed");
  assert.equal(await page.getByText("**NO**").count(), 0);
  const charts = page.locator(".jp-RenderedVegaCommon5");
  const count = await charts.count();
  assert.ok(count >= 8, `${count} charts drawn by JupyterLab's Vega renderer`);
  for (let i = 0; i < count; i++) {
    const drawn = charts.nth(i).locator("canvas, svg.marks");
    await drawn.first().waitFor({ timeout: 60_000 });
    const box = await drawn.first().boundingBox();
    assert.ok(box && box.width > 200 && box.height > 100, `chart ${i} has a size: ${JSON.stringify(box)}`);
  }
  // The vega-embed action menu exists only on charts vega-embed drew (not on an SVG image).
  assert.ok((await page.locator(".jp-RenderedVegaCommon5 .vega-embed details, .jp-RenderedVegaCommon5 .vega-actions").count()) >= 1);

  fs.mkdirSync(SHOTS, { recursive: true });
  const first = charts.nth(0);
  await first.scrollIntoViewIfNeeded();
  await first.screenshot({ path: path.join(SHOTS, "first-chart.png") });
  await page.screenshot({ path: path.join(SHOTS, "notebook-at-first-chart.png") });
  const revenue = page.locator(".jp-Cell", { hasText: "Revenue over time" }).locator(".jp-RenderedVegaCommon5");
  await revenue.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(SHOTS, "notebook-at-revenue-chart.png") });
});
