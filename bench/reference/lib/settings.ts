/**
 * Where the benchmarks find the stack, the reference scripts and the Python side. Addresses come
 * from the project's own config (PIPELINE_STACK=real defaults), so the harness measures the
 * stack `npm run stack -- up` starts; the Python paths come from scripts/bench/setup-reference.sh.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadConfig } from "../../../src/config";

export interface BenchSettings {
  repoRoot: string;
  referenceDir: string;
  brokers: string[];
  webhdfsUrl: string;
  hdfsUri: string;
  hdfsUser: string;
  trinoUrl: string;
  metastoreUri: string;
  /** Values written by setup-reference.sh (venv, ivy cache, connector package, JAVA_HOME). */
  python: { venv: string; ivy: string; sparkKafkaPackage: string; javaHome: string } | null;
  /** The environment children inherit. */
  baseEnv: NodeJS.ProcessEnv;
}

const REPO_ROOT = path.resolve(__dirname, "..", "..", "..", "..");

/** Reads `export KEY="value"` lines. */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const m = /^export\s+([A-Z0-9_]+)="(.*)"\s*$/.exec(line.trim());
    if (m) out[m[1]] = m[2];
  }
  return out;
}

export function benchSettings(env: NodeJS.ProcessEnv): BenchSettings {
  const config = loadConfig({ ...env, PIPELINE_STACK: "real" }, REPO_ROOT);
  const cache = env.GAME_EVENTS_BENCH_CACHE ?? path.join(os.homedir(), ".cache", "game-events-bench");
  const envFile = path.join(cache, "env.sh");
  const py = fs.existsSync(envFile) ? parseEnvFile(fs.readFileSync(envFile, "utf8")) : null;
  return {
    repoRoot: REPO_ROOT,
    referenceDir: env.REFERENCE_DIR ?? path.resolve(REPO_ROOT, "..", "shared", "anchors"),
    brokers: config.transport.kafka.brokers,
    webhdfsUrl: config.storage.webhdfsUrl,
    hdfsUri: config.storage.hdfsUri,
    hdfsUser: config.storage.hdfsUser,
    trinoUrl: config.query.prestoUrl,
    metastoreUri: env.HIVE_METASTORE_URI ?? "thrift://127.0.0.1:9083",
    python: py && {
      venv: py.GAME_EVENTS_BENCH_VENV,
      ivy: py.GAME_EVENTS_BENCH_IVY,
      sparkKafkaPackage: py.GAME_EVENTS_BENCH_SPARK_KAFKA_PACKAGE,
      javaHome: py.JAVA_HOME,
    },
    baseEnv: env,
  };
}

/** The Python side, or a clear error saying how to get it. */
export function requirePython(settings: BenchSettings): NonNullable<BenchSettings["python"]> {
  if (!settings.python) throw new Error("the reference's Python side is not set up: run scripts/bench/setup-reference.sh");
  return settings.python;
}

/** A fresh folder for one benchmark invocation (adapted scripts, logs). */
export function runDir(name: string): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  return fs.mkdtempSync(path.join(os.tmpdir(), `bench-${name}-${stamp}-`));
}
