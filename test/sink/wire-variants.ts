/**
 * Messages for the fast-path differential test: canonical events of every type and outcome, and
 * variants of them that probe where JSON.parse and DuckDB's JSON reader (or the fast path's
 * pattern) could disagree: number forms, ranges, dates, escapes, key order, duplicate keys,
 * trailing commas, NaN, whitespace, invalid UTF-8.
 */
import { toWire } from "../../src/events";
import { sampleEvent } from "./fixtures";

type Entry = [key: string, raw: string];

const entries = (wire: string): Entry[] => Object.entries(JSON.parse(wire) as Record<string, unknown>).map(([k, v]) => [k, JSON.stringify(v)]);
const text = (es: Entry[]) => `{${es.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(",")}}`;
const setRaw = (es: Entry[], key: string, raw: string): Entry[] => es.map(([k, v]) => [k, k === key ? raw : v]);

const TIMESTAMPS = [
  ...[0, 99, 1900, 2000, 2024, 2026, 2100, 9999].flatMap((y) =>
    [2, 4, 12].flatMap((m) => [28, 29, 30, 31].map((d) => `"${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}T23:59:59.999Z"`)),
  ),
  '"2026-11-26T24:00:00.000Z"', '"2026-11-26T20:00:00Z"', '"2026-11-26T20:00:00.000"', '"2026-11-26t20:00:00.000z"', '"2026-11-26"',
  '"2026-13-01T00:00:00.000Z"', '"2026-00-01T00:00:00.000Z"', '"2026-01-00T00:00:00.000Z"', '"+002026-11-26T20:00:00.000Z"', '"-000001-01-01T00:00:00.000Z"',
  '"1764187200000"', '""', "0", "-0", "1", "-1", "1764187200000", "1.5", "1e3", "1764187200000.0", "-62167219200000", "-62167219200001",
  "253402300799999", "253402300800000", "999999999999999", "1000000000000000", "null", "true", "{}", "[]",
];

const INT32 = ["0", "-0", "200", "-1", "2147483647", "2147483648", "-2147483648", "-2147483649", "999999999", "1000000000", "1.0", "1e2", "2.5", '"200"', "null", "true", "9007199254740993", "12345678901234567890", "1e400", "00", "01"];
const INT64 = [...INT32, "9007199254740991", "9007199254740992", "-9007199254740991", "999999999999999", "1000000000000000"];
const STRINGS = [
  '""', '"é ü 中文"', '"😀"', '"a/b"', '"a\\/b"', '"\\u0041"', '"a\\"b"', '"back\\\\slash"', '"\\ud800"', '"x\\udc00y"', '"\u2028"', '"\ufffd"',
  '"tab\tinside"', '"nl\ninside"', '"\u007f"', `"${"x".repeat(300)}"`, "5", "null", "true", "[]", '{"a":1}',
];

/** Whole-message variants of one canonical wire text. */
function structural(wire: string): (string | Buffer)[] {
  const es = entries(wire);
  const [first, second, ...rest] = es;
  return [
    text([second, first, ...rest]), // key order
    text([...es, ["status", "404"]]), // duplicate key, last wins in JSON.parse
    text([...es, ["event_type", '"dance"']]),
    text([...es, ["extra", "1"]]),
    text([...es, ["extra", "NaN"]]),
    text([...es, ["extra", "Infinity"]]),
    text([...es, ["extra", "[1,2,]"]]),
    text([...es, ["extra", '{"a":1,"a":2}']]),
    text(es.filter(([k]) => k !== "reason")), // optional key absent
    text(es.filter(([k]) => k !== "Host")),
    text(es.filter(([k]) => k !== "player_id")),
    text(es.filter(([k]) => k !== "outcome")),
    wire.slice(0, -1) + ",}",
    wire.slice(0, -1) + " , }",
    wire.replace(/,/g, ", ").replace(/:/g, " : "),
    JSON.stringify(JSON.parse(wire), null, 2),
    "\ufeff" + wire,
    " " + wire + "\n",
    wire + "x",
    wire.replace(/"Host":"[^"]*"/, '"Host":"bad \u00ff byte"').replace("\u00ff", "\uFFFD"),
    Buffer.concat([Buffer.from(wire.slice(0, 20)), Buffer.from([0xff, 0xfe]), Buffer.from(wire.slice(20))]),
    text(setRaw(es, "outcome", '"OK"')),
    text(setRaw(es, "outcome", '"rejected"')),
    text(setRaw(es, "event_type", '"Default"')),
    text([...es, ["type", '"katana"'], ["cost", "5"]]),
    text([...es, ["guild_name", '"g"'], ["guild_member_cnt", "1"], ["tot_guild_member_cnt", "2"]]),
  ];
}

/** Canonical events, then every variant of them; each message once. */
export function wireVariants(): (string | Buffer)[] {
  const out: (string | Buffer)[] = [];
  // One canonical event per type and outcome (sampleEvent cycles through both).
  const bases = Array.from({ length: 60 }, (_, i) => toWire(sampleEvent(i, 3)));
  out.push(...bases);
  const seen = new Set<string>();
  for (const wire of bases) {
    const type = (JSON.parse(wire) as { event_type: string; outcome: string }).event_type;
    const kind = `${type}/${wire.includes('"outcome":"ok"')}`;
    if (seen.has(kind)) continue;
    seen.add(kind);
    const es = entries(wire);
    out.push(...structural(wire));
    out.push(...TIMESTAMPS.map((v) => text(setRaw(es, "timestamp", v))));
    for (const key of ["status", "schema_version", "guild_member_cnt"]) out.push(...INT32.map((v) => text(setRaw(es, key, v))));
    for (const key of ["cost", "tot_guild_member_cnt"]) out.push(...INT64.map((v) => text(setRaw(es, key, v))));
    for (const key of ["event_id", "player_id", "Host", "User-Agent", "reason", "type", "guild_name"]) out.push(...STRINGS.map((v) => text(setRaw(es, key, v))));
  }
  out.push("", "null", "[]", "42", '"text"', "{}", '{"event_type":"default"}', "{".repeat(50));
  return out;
}
