/**
 * The frame every command-line entry point shares, so they all behave alike:
 *   --help / -h            usage on stdout, exit 0
 *   a bad argument         UsageError: the message and the usage on stderr, exit 2
 *   a bad configuration    ConfigError (from loadConfig): "bad configuration: ..." on stderr, exit 2
 *   any other failure      "<name> failed: ..." on stderr, exit 1
 *   otherwise              the exit code main() returns
 */
import { CONFIG_DOCS } from "../config";
import { ConfigError, describeError } from "../errors";

/** A command-line argument the command cannot accept. */
export class UsageError extends Error {}

/** node:util parseArgs reports unknown or malformed options with ERR_PARSE_ARGS_* codes. */
function isArgumentError(error: unknown): boolean {
  if (error instanceof UsageError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("ERR_PARSE_ARGS");
}

/** What the process should print and exit with when `main` failed with `error`. */
export function failureOutcome(name: string, usage: string, error: unknown): { code: number; message: string } {
  if (isArgumentError(error)) return { code: 2, message: `${(error as Error).message}\n\n${usage}` };
  if (error instanceof ConfigError) return { code: 2, message: `bad configuration: ${error.message}` };
  return { code: 1, message: `${name} failed: ${describeError(error)}` };
}

/** Lines "  VARIABLE  default  meaning" of the configuration variables `wanted` selects, for a usage text. */
export function environmentHelp(wanted: (variable: string) => boolean): string[] {
  const docs = CONFIG_DOCS.filter((d) => wanted(d.variable));
  const width = Math.max(...docs.map((d) => d.variable.length));
  const defaults = Math.max(...docs.map((d) => d.default.length));
  return ["Environment (variable, default, meaning):", ...docs.map((d) => `  ${d.variable.padEnd(width)}  ${d.default.padEnd(defaults)}  ${d.meaning}`)];
}

/** Runs `main` with the process arguments under the shared frame, then exits. */
export function runCli(name: string, usage: string, main: (argv: string[]) => Promise<number>): void {
  const argv = process.argv.slice(2);
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(usage + "\n");
    process.exit(0);
  }
  main(argv).then(
    (code) => process.exit(code),
    (error) => {
      const outcome = failureOutcome(name, usage, error);
      process.stderr.write(outcome.message + "\n");
      process.exit(outcome.code);
    },
  );
}
