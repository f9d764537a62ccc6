/**
 * All configuration, parsed once from the environment into a frozen typed object.
 * No other file reads process.env; each component receives only its slice.
 * Every variable, its default and its meaning is one row of SETTINGS (the README table is rendered from it).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigError } from "./errors";
import type { LogLevel } from "./logger";
import { readSecret, Secret } from "./secret";

export type StackKind = "embedded" | "real";

export interface TransportConfig {
  kind: "embedded" | "kafka";
  topic: string;
  partitions: number;
  replicationFactor: number;
  /** SQLite file of the embedded log. */
  embeddedPath: string;
  kafka: KafkaConnectionConfig;
}

export type SaslMechanism = "PLAIN" | "SCRAM-SHA-256" | "SCRAM-SHA-512";

/** How every Kafka client of the project reaches the brokers. */
export interface KafkaConnectionConfig {
  brokers: string[];
  clientId: string;
  /**
   * Bytes one fetch of a bounded read (batch mode, recovery, the API's replay) asks for, all
   * partitions together; the broker goes past it only to return a single larger record batch.
   * A read holds at most two fetches' records: the one being handed over and the next.
   */
  fetchMaxBytes: number;
  /** TLS to the brokers (KAFKA_SECURITY_PROTOCOL SSL or SASL_SSL), PEM texts; null: plaintext. */
  tls: { ca: string | null; cert: string | null; key: Secret | null } | null;
  /** SASL authentication (SASL_PLAINTEXT or SASL_SSL); null: none. */
  sasl: { mechanism: SaslMechanism; username: string; password: Secret } | null;
}

export interface PublishConfig {
  /** How long the first request of a batch waits for others before the batch is sent. */
  lingerMs: number;
  maxBatch: number;
  /** Batches in flight at once; batches in flight never share a player. */
  maxInFlight: number;
  /** Requests waiting or in flight beyond this are refused with 503 (backpressure). */
  maxQueue: number;
  /** A request whose event is not acknowledged within this bound gets 503. */
  timeoutMs: number;
}

/** One client application's API key (like an analytics collector's write key). */
export interface ApiKey {
  app: string;
  key: Secret;
}

/** A token bucket: `perSecond` requests a second on average, up to `burst` at once; perSecond 0 is no limit. */
export interface RateLimit {
  perSecond: number;
  burst: number;
}

/** Where the API keeps guild membership, recent idempotency keys and the log position they reflect. */
export interface StateStoreConfig {
  /** `sqlite`: one API process; `postgres`: replicas sharing one database. */
  kind: "sqlite" | "postgres";
  /** The SQLite file (kind sqlite). */
  sqlitePath: string;
  /** The PostgreSQL connection string (kind postgres). */
  postgresUrl: string;
  /** Password of the URL's user, kept out of the URL (kind postgres). */
  postgresPassword: Secret | null;
  /** PEM CA(s) to verify the server with; set, the connection must use TLS. */
  postgresCa: string | null;
  /** Most PostgreSQL connections one API process opens. */
  poolSize: number;
}

export interface ApiConfig {
  port: number;
  host: string;
  catalogFile: string;
  store: StateStoreConfig;
  /** How long (ms) a request retried with the same Idempotency-Key gets its original answer. */
  idempotencyWindowMs: number;
  /** How often (ms) the log tail is replayed while serving (0: only at start). */
  catchUpIntervalMs: number;
  /** Tests only: SIGKILL itself after the Nth request's event is in the log, before its state is written (0: never). */
  crashBeforeStore: number;
  maxNameLength: number;
  publish: PublishConfig;
  /** Keys of the client applications; empty: no key is asked for. */
  keys: readonly ApiKey[];
  rateLimit: { key: RateLimit; player: RateLimit };
  /** Bounds on a client sending its request: slow clients cannot hold connections open. */
  timeouts: { headersMs: number; requestMs: number };
}

export interface StorageConfig {
  kind: "local" | "hdfs";
  /** Root of the tables: a local folder, or an absolute HDFS path. */
  warehouse: string;
  webhdfsUrl: string;
  /** fs.defaultFS as SQL engines see it, e.g. hdfs://127.0.0.1:9000. */
  hdfsUri: string;
  hdfsUser: string;
}

/** Who a Trino/Presto client is: user name, and password when the coordinator asks for one (HTTPS only). */
export interface QueryLogin {
  user: string;
  password: Secret | null;
}

export interface QueryConfig {
  kind: "duckdb" | "trino" | "presto";
  prestoUrl: string;
  catalog: string;
  schema: string;
  /** The pipeline's login: creates tables and syncs partitions (the sink, npm start). */
  user: string;
  password: Secret | null;
  /** PEM text of the CA(s) that signed the coordinator's certificate; null: Node's trusted CAs. */
  ca: string | null;
  /** The login of analyses (notebooks' queries), which only read; defaults to the pipeline's. */
  analyst: QueryLogin;
}

export interface SinkConfig {
  groupId: string;
  /** How long a silent worker keeps its partitions: Kafka's session timeout, the embedded lease's time to live. */
  sessionTimeoutMs: number;
  rollMaxRows: number;
  rollMaxBytes: number;
  rollIntervalMs: number;
  maxMessageBytes: number;
  metricsPort: number;
  /** Folder for local temporary files (Parquet is built here before upload). */
  tmpDir: string;
  compression: "zstd" | "snappy";
  /** DuckDB memory limit of the Parquet writer (staged rows past it spill to tmpDir). */
  writerMemory: string;
  /** Crash-test hook: SIGKILL (or SIGSTOP) the sink at this commit-protocol point (see src/sink/faults.ts). */
  fault: { point: string | null; after: number; signal: "SIGKILL" | "SIGSTOP"; record: string | null };
}

export interface ReportConfig {
  /** Requests the notebook's player simulation sends (streamed through the sink). */
  requests: number;
  /** Simulated players. */
  players: number;
  /** Seed of the simulation (same seed, same requests). */
  seed: number;
  /** Passes of the reference's ab mix sent while the sink is stopped (landed by the batch run). */
  abPasses: number;
}

export interface LoadConfig {
  /** Base URL of the game API that `npm run load` and scripts/ab*.sh target. */
  url: string;
  /** The API key the load tools send (X-Api-Key), when the API asks for one. */
  apiKey: Secret | null;
}

export interface Config {
  stack: StackKind;
  dataDir: string;
  logLevel: LogLevel;
  transport: TransportConfig;
  api: ApiConfig;
  storage: StorageConfig;
  query: QueryConfig;
  sink: SinkConfig;
  report: ReportConfig;
  load: LoadConfig;
}

/**
 * One configuration variable: the single place its default and its meaning are written.
 * The default is a string parsed like a value from the environment; `$NAME` in it stands for the
 * value of setting NAME (or `$PROJECT_DIR`, the folder the pipeline is installed in); "" is none.
 */
export interface Setting {
  variable: string;
  default: string;
  /** A different default while another setting has a given value, e.g. on the real stack. */
  when?: { setting: string; is: string; default: string };
  /**
   * The default is computed from other values (the code passes it as `computedDefault`, or reads
   * the variable as a secret): `default` only describes it, in words.
   */
  computed?: true;
  meaning: string;
}

/** A setting's row as documentation shows it: the default in words. */
export interface ConfigDoc {
  variable: string;
  default: string;
  meaning: string;
}

const onRealStack = (value: string): Setting["when"] => ({ setting: "PIPELINE_STACK", is: "real", default: value });

/** Every configuration variable, in README order. */
export const SETTINGS: readonly Setting[] = [
  { variable: "PIPELINE_STACK", default: "embedded", meaning: "`embedded` (local log, local disk, DuckDB) or `real` (Kafka, HDFS, Hive Metastore, Trino). Sets the defaults of TRANSPORT, STORAGE and QUERY_ENGINE." },
  { variable: "DATA_DIR", default: "./data", meaning: "All local state: the embedded log, the API's state, the local warehouse, temp files." },
  { variable: "LOG_LEVEL", default: "info", meaning: "debug, info, warn, error or silent." },
  { variable: "TRANSPORT", default: "embedded", when: onRealStack("kafka"), meaning: "Where events are logged: `embedded` (SQLite log file) or `kafka`." },
  { variable: "EVENTS_TOPIC", default: "events", meaning: "Topic the API writes and the sink reads." },
  { variable: "TOPIC_PARTITIONS", default: "1", when: { setting: "TRANSPORT", is: "kafka", default: "6" }, meaning: "Partitions when the topic is created: the most sink workers that can share it (on Kafka; the embedded log has one sink)." },
  { variable: "TOPIC_REPLICATION", default: "1", meaning: "Replication factor when the topic is created (Kafka)." },
  { variable: "KAFKA_BROKERS", default: "127.0.0.1:9092", meaning: "Comma-separated bootstrap brokers." },
  { variable: "KAFKA_CLIENT_ID", default: "game-events", meaning: "Kafka client id." },
  { variable: "KAFKA_FETCH_MAX_BYTES", default: "524288", meaning: "Bytes one fetch of a bounded read (the sink's batch mode and recovery, the API's replay) asks the brokers for, all partitions together; a read holds at most two fetches' records (the one being processed and the next), so this bounds its memory." },
  { variable: "KAFKA_SECURITY_PROTOCOL", default: "PLAINTEXT", meaning: "As Kafka names it: `PLAINTEXT`, `SSL` (TLS), `SASL_PLAINTEXT` or `SASL_SSL` (SASL over TLS). Applies to every Kafka client (API, sink, tools)." },
  { variable: "KAFKA_SSL_CA_FILE", default: "", meaning: "PEM file of the CA(s) that signed the brokers' certificates (SSL, SASL_SSL); unset: the CAs Node trusts." },
  { variable: "KAFKA_SSL_CERT_FILE", default: "", meaning: "PEM client certificate, for brokers that ask for one (mutual TLS); needs KAFKA_SSL_KEY_FILE." },
  { variable: "KAFKA_SSL_KEY_FILE", default: "", meaning: "Secret. PEM private key of KAFKA_SSL_CERT_FILE." },
  { variable: "KAFKA_SASL_MECHANISM", default: "", meaning: "`PLAIN`, `SCRAM-SHA-256` or `SCRAM-SHA-512`; required with SASL_PLAINTEXT and SASL_SSL." },
  { variable: "KAFKA_SASL_USERNAME", default: "", meaning: "SASL user; required with SASL_PLAINTEXT and SASL_SSL. `KAFKA_SASL_USERNAME_FILE` reads it from a file." },
  { variable: "KAFKA_SASL_PASSWORD", default: "", meaning: "Secret. SASL password; required with SASL_PLAINTEXT and SASL_SSL. `KAFKA_SASL_PASSWORD_FILE` reads it from a file." },
  { variable: "EMBEDDED_LOG_PATH", default: "$DATA_DIR/log/events.db", meaning: "File of the embedded log." },
  { variable: "PORT", default: "5000", meaning: "Port of the game API (5000 as in the reference)." },
  { variable: "API_HOST", default: "0.0.0.0", meaning: "Interface the API listens on." },
  { variable: "CATALOG_FILE", default: "$PROJECT_DIR/config/catalog.json", meaning: "Item catalogue (swords, shields and their costs) and the known guilds." },
  { variable: "API_STORE", default: "sqlite", meaning: "The API's state store (guild membership, idempotency keys, log position): `sqlite` (one API process) or `postgres` (replicas sharing one database)." },
  { variable: "API_STATE_PATH", default: "$DATA_DIR/api/state.db", meaning: "The SQLite state store's file (API_STORE=sqlite)." },
  { variable: "API_DATABASE_URL", default: "postgres://game@127.0.0.1:5432/game", meaning: "The PostgreSQL state store (API_STORE=postgres); every replica names the same database." },
  { variable: "API_DATABASE_PASSWORD", default: "", meaning: "Secret. Password of API_DATABASE_URL's user (kept out of the URL). `API_DATABASE_PASSWORD_FILE` reads it from a file." },
  { variable: "API_DATABASE_CA_FILE", default: "", meaning: "PEM file of the CA(s) that signed PostgreSQL's certificate; when set, the connection must use TLS and verify it." },
  { variable: "API_DB_POOL", default: "20", meaning: "Most PostgreSQL connections per API process: a guild action or keyed request holds one while its event is logged." },
  { variable: "IDEMPOTENCY_WINDOW_MS", default: "600000", meaning: "How long a request retried with the same Idempotency-Key gets its original answer and logs nothing (10 min)." },
  { variable: "API_CATCHUP_INTERVAL_MS", default: "60000", meaning: "How often the API replays the log tail into its state store while serving (0: only at start): applies what a crashed replica logged but did not record, and keeps `applied_events` small." },
  { variable: "API_CRASH_BEFORE_STORE", default: "0", meaning: "Tests only: the API kills itself (SIGKILL) once the Nth guild or keyed request's event is in the log, before its state is written (0: never)." },
  { variable: "MAX_NAME_LENGTH", default: "64", meaning: "Longest item or guild name accepted." },
  { variable: "PUBLISH_LINGER_MS", default: "0", meaning: "How long a batch waits for more events before it is sent (0: the next timer tick, ~1 ms); batches also grow while others are in flight." },
  { variable: "PUBLISH_MAX_BATCH", default: "1000", meaning: "Most events per batch sent to the log." },
  { variable: "PUBLISH_MAX_IN_FLIGHT", default: "4", meaning: "Batches in flight at once (on Kafka, one idempotent producer each); batches in flight never share a player." },
  { variable: "PUBLISH_MAX_QUEUE", default: "10000", meaning: "Events waiting or in flight before requests are refused with 503." },
  { variable: "PUBLISH_TIMEOUT_MS", default: "5000", meaning: "Bound on waiting for the log: past it, the request gets 503." },
  { variable: "API_KEYS", default: "", meaning: "Secret. `app:key` pairs, comma- or newline-separated, one per client application (keys of 16+ characters). When set, game requests without one of these keys in `X-Api-Key` (or `Authorization: Bearer`) get 401. `API_KEYS_FILE` reads them from a file." },
  { variable: "API_KEY_RATE", default: "0", meaning: "Requests per second allowed to each API key (0: no limit); past it, 429 with `Retry-After`." },
  { variable: "API_KEY_BURST", default: "$API_KEY_RATE (at least 1)", computed: true, meaning: "Requests one API key may send at once above its rate." },
  { variable: "API_PLAYER_RATE", default: "0", meaning: "Requests per second allowed to each player (0: no limit); past it, 429 with `Retry-After`." },
  { variable: "API_PLAYER_BURST", default: "$API_PLAYER_RATE (at least 1)", computed: true, meaning: "Requests one player may send at once above its rate." },
  { variable: "API_HEADERS_TIMEOUT_MS", default: "10000", meaning: "A client that has not sent its whole request head within this time is disconnected (slow clients)." },
  { variable: "API_REQUEST_TIMEOUT_MS", default: "15000 (at least $API_HEADERS_TIMEOUT_MS)", computed: true, meaning: "A client that has not sent its whole request within this time is disconnected (>= API_HEADERS_TIMEOUT_MS)." },
  { variable: "STORAGE", default: "local", when: onRealStack("hdfs"), meaning: "Where tables are written: `local` disk or `hdfs` through WebHDFS." },
  { variable: "WAREHOUSE_DIR", default: "$DATA_DIR/warehouse", when: { setting: "STORAGE", is: "hdfs", default: "/warehouse" }, meaning: "Root folder of the tables." },
  { variable: "WEBHDFS_URL", default: "http://127.0.0.1:9870", meaning: "NameNode HTTP address." },
  { variable: "HDFS_URI", default: "hdfs://127.0.0.1:9000", meaning: "HDFS address as Trino and the metastore see it (table locations)." },
  { variable: "HDFS_USER", default: "hive", meaning: "user.name sent to WebHDFS." },
  { variable: "QUERY_ENGINE", default: "duckdb", when: onRealStack("trino"), meaning: "`duckdb` (embedded), `trino` or `presto`." },
  { variable: "PRESTO_URL", default: "http://127.0.0.1:8080", meaning: "Coordinator address of Trino/Presto." },
  { variable: "PRESTO_CATALOG", default: "hive", meaning: "Catalog holding the tables." },
  { variable: "PRESTO_SCHEMA", default: "default", meaning: "Schema holding the tables." },
  { variable: "PRESTO_USER", default: "game-events", meaning: "User name sent to Trino/Presto by the pipeline (creates tables, syncs partitions)." },
  { variable: "PRESTO_PASSWORD", default: "", meaning: "Secret. Password of PRESTO_USER, for a coordinator with password authentication (needs an https PRESTO_URL). `PRESTO_PASSWORD_FILE` reads it from a file." },
  { variable: "PRESTO_CA_FILE", default: "", meaning: "PEM file of the CA(s) that signed the coordinator's HTTPS certificate (none: Node's trusted CAs)." },
  { variable: "ANALYST_USER", default: "$PRESTO_USER", meaning: "User name of the notebooks' queries (read-only on a secured stack)." },
  { variable: "ANALYST_PASSWORD", default: "$PRESTO_PASSWORD when ANALYST_USER is PRESTO_USER", computed: true, meaning: "Secret. Password of ANALYST_USER. `ANALYST_PASSWORD_FILE` reads it from a file." },
  { variable: "SINK_GROUP", default: "game-events-sink", meaning: "The sink workers' group: its members share the topic's partitions (Kafka consumer group; on the embedded log one member holds them all). Offsets are committed for lag monitoring only." },
  { variable: "SINK_SESSION_TIMEOUT_MS", default: "30000", meaning: "How long a silent sink worker keeps its partitions: Kafka's session timeout; on the embedded log, the lease's time to live (a killed sink's lease is taken over at once on the same host)." },
  { variable: "SINK_ROLL_ROWS", default: "50000", meaning: "Roll (commit) the open files when this many records are buffered." },
  { variable: "SINK_ROLL_BYTES", default: "33554432", meaning: "Roll the open files when buffered input reaches this many bytes." },
  { variable: "SINK_ROLL_INTERVAL_MS", default: "1000", meaning: "Streaming mode: commit what is staged this long after its first record, even when no new events arrive (batch mode rolls on rows and bytes only). Shorter: fresher tables, more files (compaction merges them)." },
  { variable: "SINK_MAX_MESSAGE_BYTES", default: "65536", meaning: "Larger messages are dead-lettered as oversized." },
  { variable: "SINK_METRICS_PORT", default: "9464", meaning: "Prometheus metrics port of the streaming sink (0 disables)." },
  { variable: "SINK_COMPRESSION", default: "zstd", meaning: "Parquet compression: `zstd` or `snappy`." },
  { variable: "SINK_WRITER_MEMORY", default: "192MB", meaning: "Memory limit of the sink's DuckDB Parquet writer; staged rows beyond it spill to `$DATA_DIR/tmp`." },
  { variable: "SINK_FAULT", default: "", meaning: "Tests only: the sink kills itself (SIGKILL) at this commit point, e.g. `between-renames`." },
  { variable: "SINK_FAULT_AFTER", default: "1", meaning: "Tests only: on which occurrence of SINK_FAULT to crash." },
  { variable: "SINK_FAULT_SIGNAL", default: "SIGKILL", meaning: "Tests only: `SIGKILL` crashes at SINK_FAULT, `SIGSTOP` freezes there (once) until a SIGCONT." },
  { variable: "SINK_FAULT_RECORD", default: "", meaning: "Tests only: file the sink writes the fault point and occurrence to just before it signals itself (proof that the fault fired)." },
  { variable: "REPORT_REQUESTS", default: "20000", meaning: "Requests the notebooks' player simulation sends (`npm run report`)." },
  { variable: "REPORT_PLAYERS", default: "1000", meaning: "Players in the notebooks' simulation." },
  { variable: "REPORT_SEED", default: "42", meaning: "Seed of the notebooks' simulation." },
  { variable: "REPORT_AB_PASSES", default: "3", meaning: "Passes of the reference's ab mix the notebooks send for the batch run." },
  { variable: "LOAD_URL", default: "http://localhost:$PORT", meaning: "Game API the load generators target (`npm run load`, scripts/ab.sh, scripts/ab2.sh)." },
  { variable: "LOAD_API_KEY", default: "(first API_KEYS key)", computed: true, meaning: "Secret. API key the load generators send in `X-Api-Key` (the key part of one `API_KEYS` pair; default: the first key of `API_KEYS`). `LOAD_API_KEY_FILE` reads it from a file." },
];

/** The settings' rows as documentation shows them (the README table, `--help`). */
export const CONFIG_DOCS: readonly ConfigDoc[] = SETTINGS.map((s) => ({ variable: s.variable, default: shownDefault(s), meaning: s.meaning }));

function shownDefault(setting: Setting): string {
  const shown = setting.default === "" ? "(none)" : setting.default;
  return setting.when ? `${shown} (${setting.when.is}: ${setting.when.default})` : shown;
}

const BY_VARIABLE = new Map(SETTINGS.map((s) => [s.variable, s]));
/** What `$PROJECT_DIR` stands for in a default: the folder holding package.json (this file is dist/src/config.js). */
const PROJECT_DIR = path.join(__dirname, "..", "..");

type Env = Readonly<Record<string, string | undefined>>;

/** The row of `name`; reading a variable without one is a bug (it would be undocumented). */
function settingOf(name: string): Setting {
  const setting = BY_VARIABLE.get(name);
  if (!setting) throw new Error(`configuration variable ${name} has no row in SETTINGS`);
  return setting;
}

/** The default of `name` given the rest of `env`, with `$NAME` references replaced by their values. */
function defaultOf(env: Env, name: string): string {
  const setting = settingOf(name);
  if (setting.computed) throw new Error(`configuration variable ${name} has a computed default: read it with computedDefault`);
  const when = setting.when;
  const template = when && str(env, when.setting) === when.is ? when.default : setting.default;
  return template.replace(/\$([A-Z_]+)/g, (_, ref: string) => (ref === "PROJECT_DIR" ? PROJECT_DIR : str(env, ref)));
}

/** The default of `name` with no other variable set, for code that runs without the configuration (tools, tests). */
export function settingDefault(name: string): string {
  return defaultOf({}, name);
}

/** The trimmed value of `name`, or its default when it is unset or blank. */
function str(env: Env, name: string): string {
  const value = env[name];
  return value === undefined || value.trim() === "" ? defaultOf(env, name) : value.trim();
}

/** An integer >= min; `computedDefault` for a setting whose row says its default is computed. */
function int(env: Env, name: string, { min = 0, computedDefault }: { min?: number; computedDefault?: number } = {}): number {
  if (computedDefault !== undefined && (env[name] ?? "").trim() === "") return computedDefault;
  const raw = str(env, name);
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new ConfigError(`${name} must be an integer >= ${min}, got "${raw}"`, name);
  }
  return value;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[]): T {
  const value = str(env, name);
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(`${name} must be one of ${allowed.join(", ")}, got "${value}"`, name);
  }
  return value as T;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
    Object.freeze(value);
  }
  return value;
}

const APP_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
/** Shorter keys could be guessed; 16 characters of a random alphabet are far out of reach. */
export const MIN_API_KEY_LENGTH = 16;

/** API_KEYS (or API_KEYS_FILE): `app:key` pairs. Errors name the app or the position, never a key. */
function apiKeys(env: Env): ApiKey[] {
  const secret = readSecret(env, "API_KEYS");
  if (secret === null) return [];
  const pairs = secret.reveal().split(/[,\n]/).map((p) => p.trim()).filter((p) => p !== "" && !p.startsWith("#"));
  const keys: ApiKey[] = [];
  pairs.forEach((pair, i) => {
    const colon = pair.indexOf(":");
    const app = colon < 0 ? "" : pair.slice(0, colon).trim();
    const key = colon < 0 ? "" : pair.slice(colon + 1).trim();
    if (!APP_NAME.test(app)) throw new ConfigError(`API_KEYS: entry ${i + 1} is not app:key with an app name of letters, digits, '_', '.', '-'`, "API_KEYS");
    if (key.length < MIN_API_KEY_LENGTH) throw new ConfigError(`API_KEYS: the key of "${app}" is shorter than ${MIN_API_KEY_LENGTH} characters`, "API_KEYS");
    if (keys.some((k) => k.app === app)) throw new ConfigError(`API_KEYS: app "${app}" is listed twice`, "API_KEYS");
    if (keys.some((k) => k.key.reveal() === key)) throw new ConfigError(`API_KEYS: "${app}" has the same key as another app`, "API_KEYS");
    keys.push({ app, key: new Secret(key) });
  });
  return keys;
}

/** The API's access rules: keys and rate limits. A per-key rate without keys would be silently unused. */
function apiAccess(env: Env): Pick<ApiConfig, "keys" | "rateLimit"> {
  const keys = apiKeys(env);
  const rate = { key: rateLimit(env, "API_KEY_RATE", "API_KEY_BURST"), player: rateLimit(env, "API_PLAYER_RATE", "API_PLAYER_BURST") };
  if (rate.key.perSecond > 0 && keys.length === 0) throw new ConfigError("API_KEY_RATE limits each API key: set API_KEYS too", "API_KEY_RATE");
  return { keys, rateLimit: rate };
}

function rateLimit(env: Env, rateVariable: string, burstVariable: string): RateLimit {
  const perSecond = int(env, rateVariable);
  return { perSecond, burst: int(env, burstVariable, { min: 1, computedDefault: Math.max(1, perSecond) }) };
}

function apiTimeouts(env: Env): ApiConfig["timeouts"] {
  const headersMs = int(env, "API_HEADERS_TIMEOUT_MS", { min: 1 });
  const requestMs = int(env, "API_REQUEST_TIMEOUT_MS", { min: 1, computedDefault: Math.max(15_000, headersMs) });
  // node refuses a headers timeout longer than the request timeout.
  if (requestMs < headersMs) throw new ConfigError(`API_REQUEST_TIMEOUT_MS (${requestMs}) must be >= API_HEADERS_TIMEOUT_MS (${headersMs})`, "API_REQUEST_TIMEOUT_MS");
  return { headersMs, requestMs };
}

/** The text of the PEM file variable `name` names, or null when unset. */
function pemFile(env: Env, name: string): string | null {
  const file = str(env, name);
  if (file === "") return null;
  try {
    return fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new ConfigError(`${name}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? "error"})`, name);
  }
}

/** Trino/Presto address and logins. A password never travels over plain HTTP. */
function queryAccess(env: Env): Omit<QueryConfig, "kind" | "catalog" | "schema"> {
  const prestoUrl = str(env, "PRESTO_URL");
  const user = str(env, "PRESTO_USER");
  const password = readSecret(env, "PRESTO_PASSWORD");
  const analystUser = str(env, "ANALYST_USER");
  const analystPassword = readSecret(env, "ANALYST_PASSWORD") ?? (analystUser === user ? password : null);
  const https = /^https:/i.test(prestoUrl);
  for (const [name, secret] of [["PRESTO_PASSWORD", password], ["ANALYST_PASSWORD", analystPassword]] as const) {
    if (secret !== null && !https) throw new ConfigError(`${name} is set but PRESTO_URL (${prestoUrl}) is not https: the password would cross the network in clear`, name);
  }
  return { prestoUrl, user, password, ca: pemFile(env, "PRESTO_CA_FILE"), analyst: { user: analystUser, password: analystPassword } };
}

/** TLS and SASL of the Kafka clients; settings the chosen protocol would ignore are refused, not ignored. */
function kafkaSecurity(env: Env): Pick<KafkaConnectionConfig, "tls" | "sasl"> {
  const protocol = oneOf(env, "KAFKA_SECURITY_PROTOCOL", ["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] as const);
  const usesTls = protocol === "SSL" || protocol === "SASL_SSL";
  const usesSasl = protocol.startsWith("SASL_");
  const keyText = pemFile(env, "KAFKA_SSL_KEY_FILE");
  const key = keyText === null ? null : new Secret(keyText);
  const tls = { ca: pemFile(env, "KAFKA_SSL_CA_FILE"), cert: pemFile(env, "KAFKA_SSL_CERT_FILE"), key };
  const mechanism = str(env, "KAFKA_SASL_MECHANISM");
  const username = readSecret(env, "KAFKA_SASL_USERNAME");
  const password = readSecret(env, "KAFKA_SASL_PASSWORD");
  const unused = [
    ...(!usesTls ? [["KAFKA_SSL_CA_FILE", tls.ca], ["KAFKA_SSL_CERT_FILE", tls.cert], ["KAFKA_SSL_KEY_FILE", key]] : []),
    ...(!usesSasl ? [["KAFKA_SASL_MECHANISM", mechanism || null], ["KAFKA_SASL_USERNAME", username], ["KAFKA_SASL_PASSWORD", password]] : []),
  ].filter(([, value]) => value !== null);
  if (unused.length > 0) {
    throw new ConfigError(`${unused.map(([name]) => name).join(", ")} set, but KAFKA_SECURITY_PROTOCOL=${protocol} does not use it`, "KAFKA_SECURITY_PROTOCOL");
  }
  if ((tls.cert === null) !== (key === null)) {
    throw new ConfigError("KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE go together (a client certificate and its key)", tls.cert === null ? "KAFKA_SSL_CERT_FILE" : "KAFKA_SSL_KEY_FILE");
  }
  if (!usesSasl) return { tls: usesTls ? tls : null, sasl: null };
  const mechanisms = ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] as const;
  if (!(mechanisms as readonly string[]).includes(mechanism)) {
    throw new ConfigError(`KAFKA_SASL_MECHANISM must be one of ${mechanisms.join(", ")} with KAFKA_SECURITY_PROTOCOL=${protocol}, got "${mechanism}"`, "KAFKA_SASL_MECHANISM");
  }
  if (!username || !password) {
    throw new ConfigError(`KAFKA_SECURITY_PROTOCOL=${protocol} needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD (or their _FILE variants)`, username ? "KAFKA_SASL_PASSWORD" : "KAFKA_SASL_USERNAME");
  }
  return {
    tls: usesTls ? tls : null,
    sasl: { mechanism: mechanism as SaslMechanism, username: username.reveal(), password },
  };
}

/** Parses the environment once. Throws ConfigError naming the variable on bad input. */
export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): Config {
  const stack = oneOf<StackKind>(env, "PIPELINE_STACK", ["embedded", "real"]);
  const dataDir = path.resolve(cwd, str(env, "DATA_DIR"));
  const storageKind = oneOf(env, "STORAGE", ["local", "hdfs"] as const);
  const access = apiAccess(env);
  const config: Config = {
    stack,
    dataDir,
    logLevel: oneOf<LogLevel>(env, "LOG_LEVEL", ["debug", "info", "warn", "error", "silent"]),
    transport: {
      kind: oneOf(env, "TRANSPORT", ["embedded", "kafka"] as const),
      topic: str(env, "EVENTS_TOPIC"),
      partitions: int(env, "TOPIC_PARTITIONS", { min: 1 }),
      replicationFactor: int(env, "TOPIC_REPLICATION", { min: 1 }),
      embeddedPath: path.resolve(cwd, str(env, "EMBEDDED_LOG_PATH")),
      kafka: {
        brokers: str(env, "KAFKA_BROKERS").split(",").map((b) => b.trim()).filter(Boolean),
        clientId: str(env, "KAFKA_CLIENT_ID"),
        fetchMaxBytes: int(env, "KAFKA_FETCH_MAX_BYTES", { min: 1024 }),
        ...kafkaSecurity(env),
      },
    },
    api: {
      port: int(env, "PORT"),
      host: str(env, "API_HOST"),
      catalogFile: path.resolve(cwd, str(env, "CATALOG_FILE")),
      store: {
        kind: oneOf(env, "API_STORE", ["sqlite", "postgres"] as const),
        sqlitePath: path.resolve(cwd, str(env, "API_STATE_PATH")),
        postgresUrl: str(env, "API_DATABASE_URL"),
        postgresPassword: readSecret(env, "API_DATABASE_PASSWORD"),
        postgresCa: pemFile(env, "API_DATABASE_CA_FILE"),
        poolSize: int(env, "API_DB_POOL", { min: 1 }),
      },
      idempotencyWindowMs: int(env, "IDEMPOTENCY_WINDOW_MS", { min: 1 }),
      catchUpIntervalMs: int(env, "API_CATCHUP_INTERVAL_MS"),
      crashBeforeStore: int(env, "API_CRASH_BEFORE_STORE"),
      maxNameLength: int(env, "MAX_NAME_LENGTH", { min: 1 }),
      publish: {
        lingerMs: int(env, "PUBLISH_LINGER_MS"),
        maxBatch: int(env, "PUBLISH_MAX_BATCH", { min: 1 }),
        maxInFlight: int(env, "PUBLISH_MAX_IN_FLIGHT", { min: 1 }),
        maxQueue: int(env, "PUBLISH_MAX_QUEUE", { min: 1 }),
        timeoutMs: int(env, "PUBLISH_TIMEOUT_MS", { min: 1 }),
      },
      ...access,
      timeouts: apiTimeouts(env),
    },
    storage: {
      kind: storageKind,
      // An HDFS path is absolute on the cluster: never resolved against the local working directory.
      warehouse: storageKind === "hdfs" ? str(env, "WAREHOUSE_DIR") : path.resolve(cwd, str(env, "WAREHOUSE_DIR")),
      webhdfsUrl: str(env, "WEBHDFS_URL"),
      hdfsUri: str(env, "HDFS_URI"),
      hdfsUser: str(env, "HDFS_USER"),
    },
    query: {
      kind: oneOf(env, "QUERY_ENGINE", ["duckdb", "trino", "presto"] as const),
      catalog: str(env, "PRESTO_CATALOG"),
      schema: str(env, "PRESTO_SCHEMA"),
      ...queryAccess(env),
    },
    sink: {
      groupId: str(env, "SINK_GROUP"),
      sessionTimeoutMs: int(env, "SINK_SESSION_TIMEOUT_MS", { min: 100 }),
      rollMaxRows: int(env, "SINK_ROLL_ROWS", { min: 1 }),
      rollMaxBytes: int(env, "SINK_ROLL_BYTES", { min: 1 }),
      rollIntervalMs: int(env, "SINK_ROLL_INTERVAL_MS", { min: 1 }),
      maxMessageBytes: int(env, "SINK_MAX_MESSAGE_BYTES", { min: 1 }),
      metricsPort: int(env, "SINK_METRICS_PORT"),
      tmpDir: path.join(dataDir, "tmp"),
      compression: oneOf(env, "SINK_COMPRESSION", ["zstd", "snappy"] as const),
      writerMemory: str(env, "SINK_WRITER_MEMORY"),
      fault: {
        point: str(env, "SINK_FAULT") || null,
        after: int(env, "SINK_FAULT_AFTER", { min: 1 }),
        signal: oneOf(env, "SINK_FAULT_SIGNAL", ["SIGKILL", "SIGSTOP"] as const),
        record: str(env, "SINK_FAULT_RECORD") || null,
      },
    },
    report: {
      requests: int(env, "REPORT_REQUESTS", { min: 1 }),
      players: int(env, "REPORT_PLAYERS", { min: 1 }),
      seed: int(env, "REPORT_SEED"),
      abPasses: int(env, "REPORT_AB_PASSES"),
    },
    load: {
      url: str(env, "LOAD_URL").replace(/\/+$/, ""),
      // The pipeline's own load (npm start, the notebooks) calls the API it started: any of its keys will do.
      apiKey: readSecret(env, "LOAD_API_KEY") ?? access.keys[0]?.key ?? null,
    },
  };
  return deepFreeze(config);
}
