/**
 * Where table files live. Two implementations: local disk (embedded default) and HDFS through
 * WebHDFS. One contract test suite runs against both (test/storage/contract.ts).
 *
 * Paths are absolute POSIX paths in the storage's own namespace (a local folder, or an HDFS path).
 */
export interface FileStatus {
  /** Absolute path. */
  path: string;
  /** Last path component. */
  name: string;
  size: number;
  isDirectory: boolean;
  modifiedAt: number;
}

export interface Storage {
  readonly kind: "local" | "hdfs";
  /** Root folder of the tables (config WAREHOUSE_DIR). */
  readonly root: string;
  /** The URI a SQL engine uses for a path (file:///..., hdfs://host:port/...). */
  uri(path: string): string;
  /** Writes a whole file, creating parent folders, replacing an existing file. Not atomic: write to a temp name, then rename. */
  writeFile(path: string, data: Uint8Array | string): Promise<void>;
  readFile(path: string): Promise<Buffer>;
  /**
   * Renames a file. Returns false, changing nothing, when `to` already exists (HDFS semantics);
   * creates the parent folder of `to` when missing.
   */
  rename(from: string, to: string): Promise<boolean>;
  /** Entries of a folder; [] when it does not exist. */
  list(dir: string): Promise<FileStatus[]>;
  exists(path: string): Promise<boolean>;
  mkdirs(path: string): Promise<void>;
  /** Deletes a file or folder (recursively); false when it did not exist. */
  delete(path: string): Promise<boolean>;
}
