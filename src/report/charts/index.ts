/** Chart specs (pure functions returning Vega-Lite JSON) and the SVG/PNG renderer. */
export { revenueOverTimeChart, itemRevenueChart, itemPopularityChart } from "./revenue";
export { spendDistributionChart, spendConcentrationChart } from "./players";
export { guildMembershipChart, currentGuildMembersChart } from "./guilds";
export { rejectionChart, freshnessChart } from "./pipeline";
export { renderSvg, renderPng, CHART_FONT } from "./render";
export { chart, BASE_CONFIG, VEGA_LITE_SCHEMA } from "./spec";
export type { VegaLiteSpec, Row } from "./spec";
