/** The SQL of a notebook's cells, as a user last saved them, for tests that run it without a kernel. */
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../src/notebook";

/** `const name = await sql(\`...\`)` of every code cell, by name; `${unit}` is the only placeholder. */
export function notebookQueries(file = path.join(PROJECT_ROOT, "notebooks", "02-analysis.ipynb")): Map<string, (unit?: string) => string> {
  const notebook = JSON.parse(fs.readFileSync(file, "utf8")) as { cells: { cell_type: string; source: string[] | string }[] };
  const code = notebook.cells.filter((c) => c.cell_type === "code").map((c) => [c.source].flat().join("")).join("\n");
  const queries = new Map<string, (unit?: string) => string>();
  for (const [, name, text] of code.matchAll(/const (\w+) = await sql\(`([^`]*)`\)/g)) {
    queries.set(name, (unit) => text.replace(/\$\{(\w+)\}/g, (_, v: string) => {
      if (v !== "unit" || !unit) throw new Error(`query ${name} needs \${${v}}`);
      return unit;
    }));
  }
  return queries;
}
