/**
 * The contract as markdown, for the README (generated, never hand-written: `node dist/src/bin/contract-docs.js`).
 */
import { ENVELOPE, EVENT_DEFS, EVENT_TYPES, SCHEMA_VERSION } from "./contract";
import type { FieldDef } from "./fields";
import { PARTITION_COLUMN, TABLES } from "./tables";

const cell = (text: string) => text.replace(/\|/g, "\\|");

function fieldRow(f: FieldDef, carriedBy: string): string {
  const name = f.json === f.column ? `\`${f.json}\`` : `\`${f.json}\` (column \`${f.column}\`)`;
  return `| ${name} | ${f.type} | ${f.required ? "yes" : "no"} | ${carriedBy} | ${cell(f.doc)} |`;
}

/** The wire fields of every event type, then the tables and their columns. */
export function contractMarkdown(): string {
  const payload = new Map<FieldDef, string[]>();
  for (const t of EVENT_TYPES) for (const f of EVENT_DEFS[t].fields) payload.set(f, [...(payload.get(f) ?? []), `\`${t}\``]);
  const lines = [
    `Schema version ${SCHEMA_VERSION}. Event types: ${EVENT_TYPES.map((t) => `\`${t}\` (${EVENT_DEFS[t].doc.replace(/\.$/, "")})`).join(", ")}.`,
    "",
    "| JSON key | type | required | carried by | meaning |",
    "|---|---|---|---|---|",
    ...ENVELOPE.map((f) => fieldRow(f, "every event")),
    ...[...payload].map(([f, types]) => fieldRow(f, types.join(", "))),
    "",
    `Tables (Parquet, partitioned by \`${PARTITION_COLUMN}=YYYY-MM-DD\`, the event's UTC date):`,
    "",
    "| table | rows | columns |",
    "|---|---|---|",
    ...TABLES.map((t) => `| \`${t.name}\` | ${cell(t.doc)} | ${t.columns.map((c) => `${c.name} ${c.type}`).join(", ")} |`),
  ];
  return lines.join("\n");
}
