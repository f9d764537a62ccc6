/**
 * The item catalogue (swords, shields and their costs) and the guilds that exist from the start.
 * It lives in a JSON file (CATALOG_FILE), not in code, and is validated once at start-up.
 */
import * as fs from "node:fs";
import { ConfigError } from "../errors";
import { NAME_PATTERN, NAME_RULE } from "../events";

export type ItemKind = "sword" | "shield";

export interface Catalog {
  readonly swords: ReadonlyMap<string, number>;
  readonly shields: ReadonlyMap<string, number>;
  /** Guilds known before anyone joins (a join may still create a new one, as in the reference). */
  readonly guilds: readonly string[];
}

/** The cost of an item, or undefined when the catalogue has no such item. */
export function costOf(catalog: Catalog, kind: ItemKind, name: string): number | undefined {
  return (kind === "sword" ? catalog.swords : catalog.shields).get(name);
}

/** Reads and validates the catalogue file; throws ConfigError saying what is wrong and where. */
export function loadCatalog(file: string, maxNameLength: number): Catalog {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new ConfigError(`cannot read the catalogue ${file}: ${(error as Error).message}`, "CATALOG_FILE");
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`the catalogue ${file} is not valid JSON: ${(error as Error).message}`, "CATALOG_FILE");
  }
  try {
    return parseCatalog(doc, maxNameLength);
  } catch (error) {
    throw new ConfigError(`the catalogue ${file} is invalid: ${(error as Error).message}`, "CATALOG_FILE");
  }
}

/** Validates a parsed catalogue document. Throws ConfigError on the first problem found. */
export function parseCatalog(doc: unknown, maxNameLength: number): Catalog {
  if (!isObject(doc)) throw new ConfigError("expected an object with swords, shields and guilds");
  const guilds = doc.guilds ?? [];
  if (!Array.isArray(guilds)) throw new ConfigError("guilds must be an array of names");
  for (const g of guilds) checkName("guilds", g, maxNameLength);
  return Object.freeze({
    swords: prices("swords", doc.swords, maxNameLength),
    shields: prices("shields", doc.shields, maxNameLength),
    guilds: Object.freeze([...new Set(guilds as string[])]),
  });
}

function prices(section: string, value: unknown, maxNameLength: number): ReadonlyMap<string, number> {
  if (!isObject(value)) throw new ConfigError(`${section} must be an object of name -> cost`);
  const map = new Map<string, number>();
  for (const [name, cost] of Object.entries(value)) {
    checkName(section, name, maxNameLength);
    if (!Number.isSafeInteger(cost) || (cost as number) < 0) {
      throw new ConfigError(`${section}.${name}: cost must be a non-negative integer, got ${JSON.stringify(cost)}`);
    }
    map.set(name, cost as number);
  }
  if (map.size === 0) throw new ConfigError(`${section} is empty`);
  return map;
}

function checkName(section: string, name: unknown, maxNameLength: number): void {
  if (typeof name !== "string" || name.length === 0 || name.length > maxNameLength || !NAME_PATTERN.test(name)) {
    throw new ConfigError(`${section}: ${JSON.stringify(name)} is not a valid name (1-${maxNameLength} of ${NAME_RULE})`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
