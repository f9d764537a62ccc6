/** Prints the configuration table (from CONFIG_DOCS) as markdown, for the README. */
import { CONFIG_DOCS } from "../config";

export function configTable(): string {
  const rows = CONFIG_DOCS.map((d) => `| \`${d.variable}\` | ${d.default} | ${d.meaning} |`);
  return ["| variable | default | meaning |", "|---|---|---|", ...rows].join("\n");
}

if (require.main === module) process.stdout.write(configTable() + "\n");
