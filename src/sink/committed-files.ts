/**
 * Lists the committed files of every table: the sink's only checkpoint.
 */
import type { TableDef } from "../events";
import type { Storage } from "../storage";
import { parseDtFolder, parseFileName, tableDir } from "./naming";
import type { CommittedFile } from "./recovery-plan";

/** Every committed file (by name) of `tables`; other names (temp files, markers) are ignored. */
export async function listCommitted(storage: Storage, tables: readonly TableDef[]): Promise<CommittedFile[]> {
  const out: CommittedFile[] = [];
  for (const table of tables) {
    for (const folder of await storage.list(tableDir(storage.root, table.name))) {
      const dt = folder.isDirectory ? parseDtFolder(folder.name) : null;
      if (dt === null) continue;
      out.push(...(await listPartition(storage, table.name, dt, folder.path)));
    }
  }
  return out;
}

/** Committed files of one dt folder. */
export async function listPartition(storage: Storage, table: string, dt: string, dir: string): Promise<CommittedFile[]> {
  const out: CommittedFile[] = [];
  for (const file of await storage.list(dir)) {
    const range = file.isDirectory ? null : parseFileName(file.name);
    if (range) out.push({ table, dt, path: file.path, range });
  }
  return out;
}
