/** The scenarios by name, and a helper that materialises the first N requests of one. */
import type { Catalog } from "../api/catalog";
import { NAME_PATTERN, NAME_RULE } from "../events";
import { playersScenario } from "./players";
import { abMix, referenceScenario } from "./reference";
import type { PlannedRequest } from "./request";

export const SCENARIOS = ["reference", "players"] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface ScenarioOptions {
  scenario: ScenarioName;
  catalog: Catalog;
  /** players scenario: number of simulated players. */
  players?: number;
  seed?: number | string;
  /** players scenario: share of deliberately invalid requests (0..1). */
  invalidShare?: number;
  playerTag?: string;
  domain?: string;
  maxNameLength?: number;
}

export const SCENARIO_DEFAULTS = { players: 100, seed: 1, invalidShare: 0.05 } as const;

/** The endless request sequence of a scenario, and how many distinct players it can use. */
export function openScenario(options: ScenarioOptions): { sequence: Generator<PlannedRequest>; players: number } {
  // The tag ends up in X-Player-Id, which the API accepts only from the safe set.
  if (options.playerTag !== undefined && !NAME_PATTERN.test(options.playerTag)) {
    throw new RangeError(`player tag must be ${NAME_RULE}, got "${options.playerTag}"`);
  }
  if (options.scenario === "reference") {
    const players = new Set(abMix().map((c) => c.host)).size;
    return { sequence: referenceScenario(options.catalog, options), players };
  }
  const players = options.players ?? SCENARIO_DEFAULTS.players;
  const invalidShare = options.invalidShare ?? SCENARIO_DEFAULTS.invalidShare;
  if (!(invalidShare >= 0 && invalidShare <= 1)) throw new RangeError("invalidShare must be between 0 and 1");
  const sequence = playersScenario(options.catalog, {
    players,
    seed: options.seed ?? SCENARIO_DEFAULTS.seed,
    invalidShare,
    playerTag: options.playerTag,
    domain: options.domain,
    maxNameLength: options.maxNameLength,
  });
  return { sequence, players };
}

/** The first `count` requests of a scenario (same options, same list). */
export function planRequests(options: ScenarioOptions, count: number): PlannedRequest[] {
  const { sequence } = openScenario(options);
  const out: PlannedRequest[] = [];
  while (out.length < count) out.push(sequence.next().value as PlannedRequest);
  return out;
}
