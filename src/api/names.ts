/**
 * Validation of the names in request paths (items, guilds) and of the player identity, from the
 * event contract's safe character set. A bad name is a 400 and never becomes an event.
 */
import { ValidationError } from "../errors";
import { NAME_PATTERN, NAME_RULE } from "../events";

/** Returns the name when it is 1..maxLength characters of the safe set; throws ValidationError otherwise. */
export function validateName(name: string | undefined, maxLength: number, what = "name"): string {
  if (name === undefined || name.length === 0) throw new ValidationError(`${what} is empty`, what);
  if (name.length > maxLength) {
    throw new ValidationError(`${what} is longer than ${maxLength} characters`, what);
  }
  if (!NAME_PATTERN.test(name)) throw new ValidationError(`${what} may only contain ${NAME_RULE}`, what);
  return name;
}

/** Longest player identity accepted (a Host header with its port fits easily). */
export const MAX_PLAYER_ID_LENGTH = 255;
// Host headers carry ':' before a port; otherwise the same safe set as names.
const PLAYER_PATTERN = /^[A-Za-z0-9_.:-]+$/;

/** The player: the X-Player-Id header when given, else the Host header (as the reference's ab scripts). */
export function playerIdentity(explicit: string | undefined, host: string | undefined): string {
  const id = explicit !== undefined && explicit !== "" ? explicit : host;
  const what = explicit ? "X-Player-Id" : "Host";
  if (id === undefined || id === "") throw new ValidationError("no player identity: send X-Player-Id or Host", "player_id");
  if (id.length > MAX_PLAYER_ID_LENGTH) {
    throw new ValidationError(`${what} is longer than ${MAX_PLAYER_ID_LENGTH} characters`, "player_id");
  }
  if (!PLAYER_PATTERN.test(id)) throw new ValidationError(`${what} may only contain ${NAME_RULE} and ':'`, "player_id");
  return id;
}
