/** Prints the event contract (wire fields and tables) as markdown, for the README's events section. */
import { parseArgs } from "node:util";
import { contractMarkdown } from "../events/docs";
import { runCli } from "./cli";

const USAGE = "usage: node dist/src/bin/contract-docs.js\n\nPrints the README's event contract section, generated from src/events/.";

runCli("contract-docs", USAGE, async (argv) => {
  parseArgs({ args: argv, options: {} });
  process.stdout.write(contractMarkdown() + "\n");
  return 0;
});
