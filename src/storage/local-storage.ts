/**
 * Storage on the local disk (the embedded default). Durable like HDFS after a close: file and
 * folder are fsynced on writeFile and rename, so a committed file survives a power cut, which
 * the sink's recovery-from-files relies on.
 */
import * as fs from "node:fs/promises";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { NotFoundInStorageError, StorageError } from "../errors";
import type { FileStatus, Storage } from "./storage";

const code = (error: unknown): string | undefined => (error as NodeJS.ErrnoException)?.code;

/** Error codes that say the disk or the OS is temporarily short of something. */
const TRANSIENT = new Set(["EAGAIN", "EBUSY", "EMFILE", "ENFILE", "ENOSPC", "EINTR", "EIO"]);

function wrap(error: unknown, op: string, file: string): StorageError {
  if (code(error) === "ENOENT") return new NotFoundInStorageError(file, { cause: error });
  return new StorageError(`${op} ${file}: ${(error as Error).message}`, file, {
    cause: error,
    retriable: TRANSIENT.has(code(error) ?? ""),
  });
}

/** Flushes a folder's entries (a new or renamed name) to disk. */
async function fsyncDir(dir: string): Promise<void> {
  const handle = await fs.open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export class LocalStorage implements Storage {
  readonly kind = "local" as const;
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  uri(file: string): string {
    return pathToFileURL(file).href;
  }

  async writeFile(file: string, data: Uint8Array | string): Promise<void> {
    try {
      await fs.mkdir(path.dirname(file), { recursive: true });
      const handle = await fs.open(file, "w");
      try {
        await handle.writeFile(data);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fsyncDir(path.dirname(file));
    } catch (error) {
      throw wrap(error, "write", file);
    }
  }

  async readFile(file: string): Promise<Buffer> {
    try {
      return await fs.readFile(file);
    } catch (error) {
      throw wrap(error, "read", file);
    }
  }

  async rename(from: string, to: string): Promise<boolean> {
    try {
      await fs.mkdir(path.dirname(to), { recursive: true });
      const source = await fs.lstat(from);
      if (source.isDirectory()) {
        // link() cannot take folders; POSIX rename would replace an empty target folder, so check first.
        if (await this.exists(to)) return false;
        await fs.rename(from, to);
      } else {
        // link() fails with EEXIST when the target exists: a no-clobber rename without a race.
        try {
          await fs.link(from, to);
        } catch (error) {
          if (code(error) === "EEXIST") return false;
          throw error;
        }
        await fs.unlink(from);
      }
      await fsyncDir(path.dirname(to));
      if (path.dirname(from) !== path.dirname(to)) await fsyncDir(path.dirname(from));
      return true;
    } catch (error) {
      throw wrap(error, "rename", code(error) === "ENOENT" ? from : `${from} -> ${to}`);
    }
  }

  async list(dir: string): Promise<FileStatus[]> {
    let names: string[];
    try {
      names = await fs.readdir(dir);
    } catch (error) {
      if (code(error) === "ENOENT") return [];
      if (code(error) === "ENOTDIR") return [await this.status(dir)];
      throw wrap(error, "list", dir);
    }
    const statuses = await Promise.all(names.sort().map((name) => this.status(path.join(dir, name)).catch(() => undefined)));
    // An entry deleted between readdir and stat is simply gone.
    return statuses.filter((s): s is FileStatus => s !== undefined);
  }

  async exists(file: string): Promise<boolean> {
    try {
      await fs.lstat(file);
      return true;
    } catch (error) {
      if (code(error) === "ENOENT") return false;
      throw wrap(error, "stat", file);
    }
  }

  async mkdirs(dir: string): Promise<void> {
    try {
      await fs.mkdir(dir, { recursive: true });
    } catch (error) {
      throw wrap(error, "mkdirs", dir);
    }
  }

  async delete(file: string): Promise<boolean> {
    if (!(await this.exists(file))) return false;
    try {
      await fs.rm(file, { recursive: true, force: true });
      return true;
    } catch (error) {
      throw wrap(error, "delete", file);
    }
  }

  private async status(file: string): Promise<FileStatus> {
    const s = await fs.lstat(file);
    return { path: file, name: path.basename(file), size: s.isDirectory() ? 0 : s.size, isDirectory: s.isDirectory(), modifiedAt: s.mtimeMs };
  }
}
