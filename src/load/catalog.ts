/**
 * The item catalogue and known guilds, read from the same file the API uses
 * (config/catalog.json), so the simulator's expectations price items exactly as the API does.
 */
import * as fs from "node:fs";
import { ConfigError } from "../errors";

export interface Catalog {
  readonly swords: Readonly<Record<string, number>>;
  readonly shields: Readonly<Record<string, number>>;
  readonly guilds: readonly string[];
}

function prices(doc: Record<string, unknown>, key: string, file: string): Record<string, number> {
  const value = doc[key];
  if (typeof value !== "object" || value === null) throw new ConfigError(`${file}: "${key}" must be an object of prices`);
  for (const [name, cost] of Object.entries(value)) {
    if (!Number.isSafeInteger(cost)) throw new ConfigError(`${file}: cost of ${key}.${name} must be an integer`);
  }
  return value as Record<string, number>;
}

/** Parses a catalogue document; throws ConfigError on a malformed one. */
export function parseCatalog(doc: unknown, file = "catalog"): Catalog {
  if (typeof doc !== "object" || doc === null) throw new ConfigError(`${file}: not a JSON object`);
  const obj = doc as Record<string, unknown>;
  const guilds = obj.guilds ?? [];
  if (!Array.isArray(guilds) || !guilds.every((g) => typeof g === "string")) {
    throw new ConfigError(`${file}: "guilds" must be an array of names`);
  }
  return Object.freeze({ swords: prices(obj, "swords", file), shields: prices(obj, "shields", file), guilds });
}

/** Reads and parses the catalogue file. */
export function loadCatalog(file: string): Catalog {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new ConfigError(`cannot read catalogue ${file}: ${(error as Error).message}`, "CATALOG_FILE");
  }
  try {
    return parseCatalog(JSON.parse(text), file);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`catalogue ${file} is not valid JSON: ${(error as Error).message}`, "CATALOG_FILE");
  }
}
