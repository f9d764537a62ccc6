export type { GuildChange, GuildCounts, GuildOp, KeyRecord, ReplayedBatch, StateStore, StateTx } from "./state-store";
export { guildLock, keyLock, playerLock } from "./state-store";
export { SqliteStateStore } from "./sqlite-state-store";
export { PostgresStateStore } from "./postgres-state-store";
export { openStateStore } from "./factory";
export { replayLog, changeOf } from "./replay";
export type { ReplayResult } from "./replay";
export { startCatchUp } from "./catch-up";
export type { CatchUp } from "./catch-up";
