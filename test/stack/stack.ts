/**
 * Helpers for the stack tier: bring the Docker-less stack up (or reuse a running one) through
 * scripts/stack/stack.sh, and the addresses its services listen on.
 */
import { execFile, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as os from "node:os";
import { promisify } from "node:util";
import { randomUUID } from "node:crypto";
import { loadConfig, type Config, type KafkaConnectionConfig } from "../../src/config";

const run = promisify(execFile);

/** The repository root, found from the compiled file (dist/test/stack) or the source (test/stack). */
export const REPO_ROOT = [path.resolve(__dirname, "../../.."), path.resolve(__dirname, "../..")].find((dir) =>
  fs.existsSync(path.join(dir, "scripts/stack/stack.sh")),
) as string;

const STACK_SCRIPT = path.join(REPO_ROOT, "scripts/stack/stack.sh");

export const KAFKA_BROKERS = ["127.0.0.1:9092"];
export const HDFS_URI = "hdfs://127.0.0.1:9000";
export const WEBHDFS_URL = "http://127.0.0.1:9870/webhdfs/v1";
/** The stack's PostgreSQL (scripts/stack/services/postgres.sh), database `game`. */
export const POSTGRES_URL = "postgres://game@127.0.0.1:5432/game";

export type StackService = "postgres" | "hdfs" | "kafka" | "metastore" | "trino";

/** Runs `stack.sh <args>` and returns its stdout; fails with its stderr. */
export async function stack(...args: string[]): Promise<string> {
  try {
    const { stdout } = await run("bash", [STACK_SCRIPT, ...args], { maxBuffer: 16 * 1024 * 1024, timeout: 15 * 60_000 });
    return stdout;
  } catch (error) {
    const { stderr } = error as { stderr?: string };
    throw new Error(`stack.sh ${args.join(" ")} failed:\n${stderr ?? String(error)}`, { cause: error });
  }
}

let clientEnv: Record<string, string> | undefined;

/**
 * The client settings of the stack in STACK_HOME (`stack.sh env`): plain addresses, or on a
 * secured stack (`up --secure`) its TLS and SASL settings and the password files' paths.
 */
export function stackEnv(): Record<string, string> {
  clientEnv ??= Object.fromEntries(
    execFileSync("bash", [STACK_SCRIPT, "env"], { encoding: "utf8" })
      .split("\n")
      .filter((line) => line.includes("="))
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );
  return clientEnv;
}

/** True when the stack in STACK_HOME was started with `up --secure`. */
export function stackIsSecure(): boolean {
  return stackEnv().KAFKA_SECURITY_PROTOCOL === "SASL_SSL";
}

/** Configuration of a client of the real stack: the environment, the stack's client settings, then `overrides`. */
export function stackConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({ ...process.env, ...stackEnv(), PIPELINE_STACK: "real", ...overrides });
}

const ensured = new Set<string>();

/** Starts the services that are not running yet (a running service is left alone) and waits until they are ready. */
export async function ensureStack(services: StackService[]): Promise<void> {
  const missing = services.filter((s) => !ensured.has(s));
  if (missing.length === 0) return;
  await stack("up", ...missing);
  for (const s of missing) ensured.add(s);
}

/** Pid of a running service (its process group leader), or null. */
export async function servicePid(service: StackService): Promise<number | null> {
  const out = (await stack("pid", service)).trim();
  return out ? Number(out) : null;
}

/** Kills a service the hard way (SIGKILL to its process group), as a crash would. */
export async function killService(service: StackService): Promise<void> {
  const pid = await servicePid(service);
  if (pid === null) throw new Error(`${service} is not running`);
  process.kill(-pid, "SIGKILL");
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      ensured.delete(service);
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${service} (pid ${pid}) survived SIGKILL`);
}

/** How a Kafka client of the stack connects: brokers, and TLS and SASL on a secured stack. */
export function stackKafka(clientId: string): KafkaConnectionConfig {
  return { ...stackConfig({ TRANSPORT: "kafka" }).transport.kafka, clientId };
}

/** Configuration of an API on the stack's Kafka, on a fresh 2-partition topic `<prefix>-<random>` and a fresh data folder. */
export function kafkaApiConfig(prefix: string): Config {
  return loadConfig({
    ...stackEnv(),
    DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`)),
    PORT: "0",
    API_HOST: "127.0.0.1",
    LOG_LEVEL: "silent",
    TRANSPORT: "kafka",
    KAFKA_BROKERS: KAFKA_BROKERS.join(","),
    EVENTS_TOPIC: `${prefix}-${randomUUID().slice(0, 8)}`,
    TOPIC_PARTITIONS: "2",
  });
}
