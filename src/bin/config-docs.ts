/** Prints the configuration table (from SETTINGS) as markdown, for the README. */
import { parseArgs } from "node:util";
import { CONFIG_DOCS } from "../config";
import { runCli } from "./cli";

export function configTable(): string {
  const rows = CONFIG_DOCS.map((d) => `| \`${d.variable}\` | ${d.default} | ${d.meaning} |`);
  return ["| variable | default | meaning |", "|---|---|---|", ...rows].join("\n");
}

const USAGE = "usage: node dist/src/bin/config-docs.js\n\nPrints the README's configuration table, generated from SETTINGS in src/config.ts.";

if (require.main === module) {
  runCli("config-docs", USAGE, async (argv) => {
    parseArgs({ args: argv, options: {} });
    process.stdout.write(configTable() + "\n");
    return 0;
  });
}
