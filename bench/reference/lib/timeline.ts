/**
 * A sink run's timeline (what ran when), read back from its `LOG_LEVEL=debug` log: the start-up
 * steps, when the first records arrived, each batch's roll / build / store, the end of the log, the
 * shutdown, and the Kafka client's group joins. Pure.
 */
import { fmt } from "./stats";

export interface TimelineEntry {
  /** Seconds since the process was started. */
  at: number;
  what: string;
}

/** Log lines that mark a step, by namespace and message, and how each reads in the timeline. */
const STEPS: readonly { ns: RegExp; msg: RegExp; text: (msg: string, fields: string) => string }[] = [
  { ns: /^sink:timeline$/, msg: /./, text: (m, f) => (f ? `${m} (${f})` : m) },
  { ns: /^sink:recovery$/, msg: /^recovered position/, text: (_m, f) => `recovered the position from the committed files (next=${field(f, "next")})` },
  { ns: /^sink:registration$/, msg: /^tables registered/, text: () => "tables registered with the query engine (in the background)" },
  { ns: /^sink:loop$/, msg: /^rolling/, text: (_m, f) => `roll: ${field(f, "records")} records sealed (${field(f, "reason")})` },
  { ns: /^sink:commit$/, msg: /^(built|storing|stored)$/, text: (m, f) => `batch ${field(f, "offsets")}: ${m}` },
  { ns: /^kafka:ConsumerGroup$/, msg: /^Consumer has joined the group/, text: () => "Kafka consumer joined its group" },
  { ns: /^kafka:Consumer$/, msg: /^(Starting|Stopped)$/, text: (m) => `Kafka consumer: ${m.toLowerCase()}` },
  { ns: /^sink$/, msg: /^sink stopped/, text: (_m, f) => `sink stopped (${field(f, "records")} records, ${field(f, "batches")} batches)` },
];

const LINE = /^(\d\d):(\d\d):(\d\d)\.(\d{3}) (DEBUG|INFO|WARN|ERROR)\s+([^:\s][^ ]*?): (.*)$/;

/** Value of `key=value` in a formatted log line's fields (up to the next ` key=`). */
function field(fields: string, key: string): string {
  const m = new RegExp(`(?:^|\\s)${key}=(.*?)(?=\\s[A-Za-z]+=|$)`).exec(fields);
  return m ? m[1] : "?";
}

/**
 * The timeline of a log whose lines carry wall-clock times of the UTC day of `startedAtMs` (the
 * process start). A run that crosses midnight UTC is read as continuing the same day plus 24 h.
 */
export function parseTimeline(log: string, startedAtMs: number): TimelineEntry[] {
  const day = Math.floor(startedAtMs / 86_400_000) * 86_400_000;
  const out: TimelineEntry[] = [];
  for (const line of log.split("\n")) {
    const m = LINE.exec(line);
    if (!m) continue;
    const [, hh, mm, ss, ms, , ns, rest] = m;
    const [msg, fields] = splitMessage(rest);
    const step = STEPS.find((s) => s.ns.test(ns) && s.msg.test(msg));
    if (!step) continue;
    let t = day + ((Number(hh) * 60 + Number(mm)) * 60 + Number(ss)) * 1000 + Number(ms);
    if (t < startedAtMs - 60_000) t += 86_400_000;
    out.push({ at: (t - startedAtMs) / 1000, what: step.text(msg, fields) });
  }
  return out;
}

/** The message and its `key=value` fields (the message itself never contains `=`). */
function splitMessage(rest: string): [string, string] {
  const m = /^(.*?)(?:\s([A-Za-z]+=.*))?$/.exec(rest);
  return m ? [m[1], m[2] ?? ""] : [rest, ""];
}

/** Markdown rows `| +s | what |`, for bench/RESULTS.md. */
export function formatTimeline(entries: readonly TimelineEntry[], exitAt: number): string {
  const rows = [...entries.map((e) => `| +${fmt(e.at, 2)} | ${e.what} |`), `| +${fmt(exitAt, 2)} | process exited |`];
  return ["| at s | what |", "| --- | --- |", ...rows].join("\n");
}
