/**
 * Benchmark harness: `npm run bench -- <name> [args]` runs bench/<name>.ts, a module exporting
 * `run(args: string[]): Promise<void>`. Benchmarks print their own tables; figures worth keeping
 * go to bench/RESULTS.md by hand, with the machine, date and command.
 */
import * as fs from "node:fs";
import * as path from "node:path";

interface Benchmark {
  run(args: string[]): Promise<void>;
}

/** Benchmark names: every compiled module next to this one, except the harness itself. */
function available(): string[] {
  return fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith(".js") && f !== "run.js")
    .map((f) => f.slice(0, -3))
    .sort();
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const names = available();
  if (!name || name === "--help" || name === "-h") {
    process.stdout.write(`usage: npm run bench -- <name> [args]\n\nbenchmarks: ${names.join(", ") || "(none)"}\n`);
    return name ? 0 : 2;
  }
  if (!names.includes(name)) {
    process.stderr.write(`unknown benchmark "${name}"; available: ${names.join(", ")}\n`);
    return 2;
  }
  const mod = (await import(path.join(__dirname, `${name}.js`))) as Partial<Benchmark>;
  if (typeof mod.run !== "function") {
    process.stderr.write(`bench/${name}.ts does not export run(args)\n`);
    return 2;
  }
  await mod.run(args);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`benchmark failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
