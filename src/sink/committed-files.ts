/**
 * Lists the committed files of every table: the sink's only checkpoint.
 */
import type { TableDef } from "../events";
import { parseDtFolder, tableDir, type Storage } from "../storage";
import { eachBounded } from "./bounded";
import { parseFileName } from "./naming";
import type { CommittedFile } from "./recovery-plan";

/** Listings running at once: on HDFS each is a round trip to the NameNode, mostly waiting. */
const LIST_CONCURRENCY = 8;

/** Every committed file (by name) of `tables`; other names (temp files, markers) are ignored. */
export async function listCommitted(storage: Storage, tables: readonly TableDef[]): Promise<CommittedFile[]> {
  const folders = await eachBounded(tables, LIST_CONCURRENCY, async (table) =>
    (await storage.list(tableDir(storage.root, table.name))).flatMap((folder) => {
      const dt = folder.isDirectory ? parseDtFolder(folder.name) : null;
      return dt === null ? [] : [{ table: table.name, dt, path: folder.path }];
    }),
  );
  const files = await eachBounded(folders.flat(), LIST_CONCURRENCY, (f) => listPartition(storage, f.table, f.dt, f.path));
  return files.flat();
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
