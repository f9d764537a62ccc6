/** Rows per table, counted by the SQL engine: what a run checks against its ground truth. */
import { TABLES } from "../events";
import type { QueryEngine } from "../query";

/**
 * Rows of each table. With `playerTag`, only the rows of that run's players (X-Player-Id
 * `<host>-<tag>`), and only the tables that have a player (dead letters have none).
 */
export async function countRows(engine: QueryEngine, options: { playerTag?: string } = {}): Promise<Record<string, number>> {
  const { playerTag } = options;
  if (playerTag !== undefined && !/^[A-Za-z0-9_-]+$/.test(playerTag)) throw new RangeError(`player tag "${playerTag}" is not [A-Za-z0-9_-]+`);
  const counts: Record<string, number> = {};
  for (const table of TABLES) {
    const hasPlayer = table.columns.some((c) => c.name === "player_id");
    if (playerTag !== undefined && !hasPlayer) continue;
    const where = playerTag === undefined ? "" : ` WHERE player_id LIKE '%-${playerTag}'`;
    const result = await engine.query(`SELECT count(*) AS n FROM ${table.name}${where}`);
    counts[table.name] = Number(result.rows[0]?.n ?? 0);
  }
  return counts;
}
