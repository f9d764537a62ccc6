/** Spend across players: the distribution and its concentration (heavy tail). */
import type { PlayerSpend } from "../analysis";
import { chart, type VegaLiteSpec } from "./spec";

/** Histogram of spend per player (players who bought nothing included), log-scaled counts. */
export function spendDistributionChart(rows: readonly PlayerSpend[]): VegaLiteSpec {
  const values = rows.map((r) => ({ spend: r.spend }));
  // A symlog axis picks few, far-apart ticks; give it 1-2-5 steps up to the number of players.
  const ticks = [0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000].filter((t) => t <= Math.max(1, rows.length));
  return chart("Spend per player", "How many players spent how much (count on a log scale)", values, {
    mark: { type: "bar", color: "#54a24b" },
    encoding: {
      x: { field: "spend", type: "quantitative", bin: { maxbins: 30 }, title: "Gold spent by a player" },
      y: { aggregate: "count", type: "quantitative", title: "Players (log scale)", scale: { type: "symlog" }, axis: { values: ticks } },
    },
  });
}

/** Concentration curve: share of revenue brought by the top x% of players, against equal spend. */
export function spendConcentrationChart(rows: readonly PlayerSpend[]): VegaLiteSpec {
  const values = [{ player_share: 0, cumulative_revenue_share: 0 }].concat(
    rows.map((r) => ({ player_share: r.player_share, cumulative_revenue_share: r.cumulative_revenue_share ?? 0 })),
  );
  const x = { field: "player_share", type: "quantitative", title: "Top share of players (by spend)", axis: { format: "%" } };
  return chart("Revenue concentration", "Share of all revenue from the biggest spenders; dashed: every player spends the same", values, {
    width: 420,
    height: 320,
    layer: [
      {
        mark: { type: "line", color: "#b279a2", strokeWidth: 2 },
        encoding: { x, y: { field: "cumulative_revenue_share", type: "quantitative", title: "Share of revenue", axis: { format: "%" } } },
      },
      {
        data: { values: [{ player_share: 0, equal: 0 }, { player_share: 1, equal: 1 }] },
        mark: { type: "line", color: "#9d9d9d", strokeDash: [4, 4] },
        encoding: { x, y: { field: "equal", type: "quantitative" } },
      },
    ],
  });
}
