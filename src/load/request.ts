/**
 * What the simulator plans to send: one game action by one player, and the answer the API
 * must give it (computed in advance by the game model, see model.ts).
 */
import type { EventType, Outcome } from "../events";

export const ROUTES = ["default", "purchase_a_sword", "purchase_a_shield", "join_guild", "leave_guild"] as const;
export type Route = (typeof ROUTES)[number];

/** Why the generator chose a request; invalid intents exercise the API's error paths. */
export type Intent = "valid" | "unknown_item" | "bad_name" | "repeat_join" | "leave_not_member";

export interface Action {
  /** Identity the API sees: X-Player-Id when sent, else the Host header. */
  player: string;
  route: Route;
  /** Item or guild name exactly as requested (before URL encoding); absent for `default`. */
  name?: string;
}

/** What the API must answer and log for one action. */
export interface Expectation {
  status: 200 | 400 | 404 | 409;
  /** The event the API logs, or null when it logs nothing (400). */
  event: null | {
    type: EventType;
    outcome: Outcome;
    reason: string | null;
    item?: string;
    cost?: number | null;
    guild?: string;
  };
}

export interface PlannedRequest extends Action {
  /** Position in the scenario's global sequence (0-based). */
  seq: number;
  /** Dense index of the player in the scenario (decides which connection carries it). */
  playerIndex: number;
  host: string;
  /** X-Player-Id header, when the scenario sends one. */
  playerHeader?: string;
  userAgent: string;
  path: string;
  intent: Intent;
  expected: Expectation;
}

/** The URL path of an action (names are percent-encoded, the API decodes them). */
export function pathOf(route: Route, name?: string): string {
  return route === "default" ? "/" : `/${route}/${encodeURIComponent(name ?? "")}`;
}

/** The action a path asks for, or undefined for a path outside the game's routes. */
export function parsePath(path: string): { route: Route; name?: string } | undefined {
  if (path === "/") return { route: "default" };
  const match = /^\/([a-z_]+)\/([^/]+)$/.exec(path);
  if (!match || !(ROUTES as readonly string[]).includes(match[1]) || match[1] === "default") return undefined;
  return { route: match[1] as Route, name: decodeURIComponent(match[2]) };
}
