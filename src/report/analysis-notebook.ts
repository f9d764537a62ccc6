/**
 * The analysis notebook (notebooks/02-analysis.ipynb): one method per cell. Each runs its
 * query (Trino on the real stack, DuckDB on the embedded default), shows the result as a
 * markdown table and draws its chart as SVG.
 */
import type { Config } from "../config";
import type { Logger } from "../logger";
import * as path from "node:path";
import { createQueryEngine, registerTables, type QueryEngine } from "../query";
import { referenceQueries, runReferenceQueries } from "../query/reference";
import { createStorage } from "../storage";
import * as a from "./analysis";
import * as charts from "./charts";
import type { Display } from "./display";
import { fromDataFrame, toDataFrame } from "./frame";
import { markdownTable, percent } from "./markdown";
import { REFERENCE_QUESTIONS } from "./reference-questions";
import { ReportError } from "./errors";
import { readRunRecord, type RunRecord } from "./run-record";
import type { TimeUnit } from "./sql";
import { assertChecks, checkAgainstTruth, type Check } from "./truth";

export class AnalysisNotebook {
  /** The checks of the last checkGroundTruth() (cells return nothing, so tslab prints nothing). */
  checks: Check[] = [];

  private constructor(
    private readonly display: Display,
    private readonly engine: QueryEngine,
    readonly run: RunRecord,
    readonly unit: TimeUnit,
  ) {}

  /** Connects to the tables of the run the pipeline notebook recorded. */
  static async open(display: Display, config: Config, logger: Logger): Promise<AnalysisNotebook> {
    const run = readRunRecord(config.dataDir);
    const storage = createStorage(config.storage);
    const engine = await createQueryEngine(config.query, storage);
    try {
      await registerTables(engine, storage);
      logger.debug("tables registered", { engine: engine.kind });
      return new AnalysisNotebook(display, engine, run, await a.timeUnitFor(engine));
    } catch (error) {
      await engine.close();
      throw error;
    }
  }

  /** The data this analysis reads: stack, loads and rows per table. */
  async describeData(): Promise<void> {
    const span = (await a.timeSpan(this.engine)).rows[0];
    const loads = this.run.loads.map((l) => `${l.requests} requests of the \`${l.scenario}\` scenario (seed ${l.seed}, ${l.players} players)`);
    this.display.markdown([
      `Stack: **${this.run.stack}** (log: ${this.run.transport}, storage: ${this.run.storage}, SQL: ${this.engine.kind}).`,
      `Data: ${loads.join(", then ")}; events from ${span.first_event} to ${span.last_event}.`,
      "",
      markdownTable(await a.tableCounts(this.engine)),
    ].join("\n"));
  }

  /** Runs any SQL and shows the result (for exploring in the notebook). */
  async sql(sql: string, maxRows = 20): Promise<void> {
    this.display.markdown(markdownTable(await this.engine.query(sql), { maxRows }));
  }

  /** One of the reference's 13 queries ("01".."13"): its question, its SQL as this engine runs it, the answer. */
  async referenceQuery(id: string): Promise<void> {
    const query = referenceQueries(this.engine.kind).find((q) => q.id === id);
    if (!query) throw new ReportError(`no reference query ${id} (01 to 13)`);
    const result = await this.engine.query(query.sql);
    const file = path.relative(path.resolve(query.file, "..", "..", ".."), query.file);
    this.display.markdown([
      `**${REFERENCE_QUESTIONS[id] ?? query.name}** (\`${file}\`)`,
      "",
      "```sql",
      query.sql.trim(),
      "```",
      "",
      markdownTable(result, { maxRows: 15 }),
    ].join("\n"));
  }

  async revenueOverTime(): Promise<void> {
    const result = await a.revenueOverTime(this.engine, this.unit);
    const total = result.rows.at(-1)?.cumulative_revenue ?? 0;
    this.display.markdown(`${total} gold from ${result.rows.reduce((s, r) => s + r.purchases, 0)} completed purchases, per ${this.unit}:`);
    this.display.svg(await charts.renderSvg(charts.revenueOverTimeChart(result.rows, this.unit)));
  }

  async itemRevenue(): Promise<void> {
    const result = await a.itemPopularity(this.engine);
    this.display.markdown(markdownTable(result, { formats: { revenue_share: percent } }));
    this.display.svg(await charts.renderSvg(charts.itemRevenueChart(result.rows)));
  }

  async itemPopularity(): Promise<void> {
    const result = await a.itemPopularity(this.engine);
    this.display.svg(await charts.renderSvg(charts.itemPopularityChart(result.rows)));
  }

  /** Danfo summary of spend per player, and kinds of items per spend group, then the histogram. */
  async spendDistribution(): Promise<void> {
    const result = await a.spendPerPlayer(this.engine);
    const df = toDataFrame(result);
    const summary = fromDataFrame(df.loc({ columns: ["purchases", "spend"] }).describe(), { indexAs: "statistic" });
    this.display.markdown(`Spend per player (Danfo \`describe()\` over ${df.shape[0]} players):\n\n${markdownTable(summary)}`);
    this.display.svg(await charts.renderSvg(charts.spendDistributionChart(result.rows)));
  }

  async spendConcentration(): Promise<void> {
    const result = await a.spendPerPlayer(this.engine);
    const rows = result.rows;
    const shareOfTop = (fraction: number) => {
      const n = Math.max(1, Math.round(rows.length * fraction));
      return rows[n - 1]?.cumulative_revenue_share ?? 0;
    };
    const spenders = rows.filter((r) => r.spend > 0).length;
    this.display.markdown([
      `${spenders} of ${rows.length} players bought something. The top 1% of players brought ${percent(shareOfTop(0.01))} of revenue,`,
      `the top 10% ${percent(shareOfTop(0.1))}, the top 50% ${percent(shareOfTop(0.5))}.`,
      "",
      "Biggest spenders:",
      "",
      markdownTable({ columns: result.columns.slice(0, 4), rows: rows.slice(0, 10) }),
    ].join("\n"));
    this.display.svg(await charts.renderSvg(charts.spendConcentrationChart(rows)));
  }

  async guildMembership(): Promise<void> {
    const result = await a.guildMembershipOverTime(this.engine, this.unit);
    this.display.svg(await charts.renderSvg(charts.guildMembershipChart(result.rows, this.unit)));
  }

  /** Current members by event time and log order, next to joins minus leaves and the simulator's truth. */
  async currentGuildMembers(): Promise<void> {
    const latest = (await a.currentGuildMembers(this.engine)).rows;
    const net = new Map((await a.guildMembersNet(this.engine)).rows.map((r) => [r.guild_name, r]));
    const rows = latest.map((r) => ({
      guild_name: r.guild_name,
      members_by_event_time: r.guild_member_cnt,
      joins_minus_leaves: net.get(r.guild_name)?.members ?? 0,
      simulator_truth: this.run.truth.guilds[r.guild_name]?.members ?? 0,
    }));
    this.display.markdown(markdownTable({
      columns: [{ name: "guild_name", type: "varchar" }, { name: "members_by_event_time", type: "bigint" }, { name: "joins_minus_leaves", type: "bigint" }, { name: "simulator_truth", type: "bigint" }],
      rows,
    }));
    this.display.svg(await charts.renderSvg(charts.currentGuildMembersChart(latest.map((r) => ({ guild_name: r.guild_name, members: r.guild_member_cnt })))));
  }

  async topGuildJoiners(): Promise<void> {
    this.display.markdown(markdownTable(await a.topGuildJoiners(this.engine)));
  }

  async rejectedActions(): Promise<void> {
    const result = await a.rejectedActions(this.engine);
    this.display.markdown(markdownTable(result, { formats: { share: percent } }));
    this.display.svg(await charts.renderSvg(charts.rejectionChart(result.rows)));
  }

  async deadLetters(): Promise<void> {
    const result = await a.deadLetters(this.engine);
    this.display.markdown(result.rows.length === 0 ? "No dead letters: every message in the log matched the event contract." : markdownTable(result));
  }

  async freshness(): Promise<void> {
    const p = await a.freshnessPercentiles(this.engine);
    this.display.markdown(`Delay from the API accepting an event to the sink reading it (ms):\n\n${markdownTable(p)}`);
    const buckets = await a.freshnessOverTime(this.engine, this.unit);
    this.display.svg(await charts.renderSvg(charts.freshnessChart(buckets.rows, this.unit)));
  }

  /** Checks the answers against the simulator's ground truth; fails the cell (and the report) on any difference. */
  async checkGroundTruth(): Promise<void> {
    const checks = checkAgainstTruth({
      tableCounts: (await a.tableCounts(this.engine)).rows,
      items: (await a.itemPopularity(this.engine)).rows,
      players: (await a.spendPerPlayer(this.engine)).rows,
      currentMembers: (await a.currentGuildMembers(this.engine)).rows,
      netMembers: (await a.guildMembersNet(this.engine)).rows,
      rejected: (await a.rejectedActions(this.engine)).rows,
      reference: await runReferenceQueries(this.engine),
    }, this.run.truth);
    this.display.markdown(markdownTable({
      columns: [{ name: "question", type: "varchar" }, { name: "simulator truth", type: "varchar" }, { name: "report", type: "varchar" }, { name: "agrees", type: "varchar" }],
      rows: checks.map((c) => ({ question: c.question, "simulator truth": c.expected, report: c.actual, agrees: c.ok ? "yes" : "**NO**" })),
    }, { maxRows: 50, maxCellChars: 160 }));
    this.checks = checks;
    assertChecks(checks);
  }

  async close(): Promise<void> {
    await this.engine.close();
  }
}
