/**
 * A small structured logger, passed down and namespaced. Library code only ever receives a
 * Logger; the entry points in bin/ decide where lines go (stderr by default).
 */
export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface LogLine {
  time: string;
  level: Exclude<LogLevel, "silent">;
  ns: string;
  msg: string;
  [key: string]: unknown;
}

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** A logger whose namespace is `parent:ns`. */
  child(ns: string): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  ns?: string;
  /** Where finished lines go; bin/ passes a stderr writer, tests pass an array push. */
  write?: (line: LogLine) => void;
}

/** Formats a line for humans: `12:00:00.123 INFO  sink: message key=value`. */
export function formatLine(line: LogLine): string {
  const { time, level, ns, msg, ...fields } = line;
  const extra = Object.entries(fields)
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(" ");
  return `${time.slice(11, 23)} ${level.toUpperCase().padEnd(5)} ${ns}: ${msg}${extra ? " " + extra : ""}`;
}

/** Creates a logger. Without `write` it prints human-readable lines to stderr. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const threshold = ORDER[options.level ?? "info"];
  const write = options.write ?? ((line: LogLine) => process.stderr.write(formatLine(line) + "\n"));
  const make = (ns: string): Logger => {
    const emit = (level: Exclude<LogLevel, "silent">) => (msg: string, fields?: Record<string, unknown>) => {
      if (ORDER[level] < threshold) return;
      write({ time: new Date().toISOString(), level, ns, msg, ...fields });
    };
    return {
      debug: emit("debug"),
      info: emit("info"),
      warn: emit("warn"),
      error: emit("error"),
      child: (sub: string) => make(ns ? `${ns}:${sub}` : sub),
    };
  };
  return make(options.ns ?? "");
}

/** A logger that drops everything (unit tests). */
export const silentLogger: Logger = createLogger({ level: "silent" });
