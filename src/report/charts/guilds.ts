/** Guild charts: membership over time and current members. */
import type { GuildMembers, GuildMembership } from "../analysis";
import { chart, TIME_FORMAT, type VegaLiteSpec } from "./spec";

/** Members of each guild over event time (a step line per guild). */
export function guildMembershipChart(rows: readonly GuildMembership[], unit: string): VegaLiteSpec {
  return chart("Guild membership over time", `Completed joins minus leaves, summed per ${unit}`, [...rows], {
    mark: { type: "line", interpolate: "step-after", strokeWidth: 2 },
    encoding: {
      x: { field: "bucket", type: "temporal", title: "Event time (UTC)", axis: { labelAngle: -30, format: TIME_FORMAT, tickCount: 10 }, scale: { type: "utc" } },
      y: { field: "members", type: "quantitative", title: "Members" },
      color: { field: "guild_name", type: "nominal", title: "Guild" },
    },
  });
}

/** Current members per guild, largest first. */
export function currentGuildMembersChart(rows: readonly Pick<GuildMembers, "guild_name" | "members">[]): VegaLiteSpec {
  return chart("Guilds by current members", "Members at the end of the data", rows.map((r) => ({ guild_name: r.guild_name, members: r.members })), {
    height: Math.max(160, rows.length * 22),
    mark: { type: "bar", color: "#72b7b2" },
    encoding: {
      y: { field: "guild_name", type: "nominal", title: "Guild", sort: "-x" },
      x: { field: "members", type: "quantitative", title: "Members" },
    },
  });
}
