/**
 * Storage on HDFS through the WebHDFS REST API, a thin client on Node's fetch.
 * (The `webhdfs` npm package depends on the deprecated `request` and has no types; the six
 * operations needed here are plain HTTP calls.)
 *
 * HDFS behaviours this relies on:
 * - CREATE is two steps: the NameNode answers 307 with a DataNode URL, the bytes go there (201).
 *   A file is visible under its name only once closed, and rename is atomic on the NameNode.
 * - RENAME with `renameoptions=NONE` runs the NameNode's rename2, which refuses an existing
 *   target instead of moving the source into it (the legacy rename's directory semantics).
 */
import * as path from "node:path";
import { NotFoundInStorageError, StorageError } from "../errors";
import { dataNodeRequest, type DataNodeAnswer } from "./datanode-http";
import type { FileStatus, Storage } from "./storage";
import { httpError, networkError, parseRemoteException } from "./webhdfs-errors";

export interface WebHdfsOptions {
  /** NameNode HTTP address, e.g. http://127.0.0.1:9870. */
  url: string;
  /** fs.defaultFS as SQL engines see it, e.g. hdfs://127.0.0.1:9000. */
  hdfsUri: string;
  user: string;
  /** Root folder of the tables (absolute HDFS path). */
  root: string;
  /** Bound on metadata calls (ms). */
  timeoutMs?: number;
  /** Bound on a file upload or download (ms). */
  dataTimeoutMs?: number;
}

interface HdfsFileStatus {
  pathSuffix: string;
  type: "FILE" | "DIRECTORY" | "SYMLINK";
  length: number;
  modificationTime: number;
}

type Params = Record<string, string>;

export class WebHdfsStorage implements Storage {
  readonly kind = "hdfs" as const;
  readonly root: string;
  private readonly base: string;
  private readonly hdfsUri: string;
  private readonly timeoutMs: number;
  private readonly dataTimeoutMs: number;
  /** Folders this client made (rename targets' parents), to skip a MKDIRS round trip per rename. */
  private readonly madeFolders = new Set<string>();

  constructor(private readonly options: WebHdfsOptions) {
    this.root = options.root;
    this.base = options.url.replace(/\/+$/, "");
    this.hdfsUri = options.hdfsUri.replace(/\/+$/, "");
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.dataTimeoutMs = options.dataTimeoutMs ?? 300_000;
  }

  uri(file: string): string {
    return `${this.hdfsUri}${file}`;
  }

  async writeFile(file: string, data: Uint8Array | string): Promise<void> {
    const body = typeof data === "string" ? Buffer.from(data, "utf8") : data;
    // Step 1: the NameNode names the DataNode that takes the bytes (CREATE also makes parent folders).
    const redirect = await this.call("PUT", file, "CREATE", { overwrite: "true" }, { redirect: "manual" }, [307, 200]);
    const location = redirect.headers.get("location") ?? (await this.json<{ Location?: string }>(redirect, "CREATE", file)).Location;
    if (!location) throw new StorageError(`WebHDFS CREATE ${file}: the NameNode named no DataNode`, file);
    if (redirect.status === 307) await redirect.body?.cancel();
    // Step 2: the bytes go to the DataNode, which answers 201 once the file is closed.
    await this.dataNode("PUT", "CREATE", file, location, body, [201, 200]);
  }

  async readFile(file: string): Promise<Buffer> {
    // OPEN redirects to a DataNode too.
    const redirect = await this.call("GET", file, "OPEN", {}, { redirect: "manual" }, [307]);
    await redirect.body?.cancel();
    return (await this.dataNode("GET", "OPEN", file, redirect.headers.get("location")!, undefined, [200])).body;
  }

  async rename(from: string, to: string): Promise<boolean> {
    // HDFS renames into existing folders only. Folders made here are remembered (the sink renames into
    // the same dt folder all day); a folder deleted behind our back shows up as NotFound: make it again.
    const parent = path.posix.dirname(to);
    const known = this.madeFolders.has(parent);
    if (!known) await this.mkdirs(parent);
    this.madeFolders.add(parent);
    try {
      await this.call("PUT", from, "RENAME", { destination: to, renameoptions: "NONE" }, {}, [200]);
      return true;
    } catch (error) {
      this.madeFolders.delete(parent);
      if (known && error instanceof NotFoundInStorageError) return this.rename(from, to);
      if (error instanceof NotFoundInStorageError) throw new NotFoundInStorageError(from, { cause: error });
      // rename2 refuses an existing target with FileAlreadyExistsException, or with a plain
      // IOException when a file meets a folder: either way the target is there.
      if (error instanceof StorageError && !error.retriable && (await this.exists(to))) return false;
      throw error;
    }
  }

  async list(dir: string): Promise<FileStatus[]> {
    let response: Response;
    try {
      response = await this.call("GET", dir, "LISTSTATUS", {}, {}, [200]);
    } catch (error) {
      if (error instanceof NotFoundInStorageError) return [];
      throw error;
    }
    const body = await this.json<{ FileStatuses: { FileStatus: HdfsFileStatus[] } }>(response, "LISTSTATUS", dir);
    // LISTSTATUS of a file answers the file itself, with an empty suffix.
    return body.FileStatuses.FileStatus.map((s) => this.status(s.pathSuffix ? path.posix.join(dir, s.pathSuffix) : dir, s)).sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
  }

  async exists(file: string): Promise<boolean> {
    try {
      const response = await this.call("GET", file, "GETFILESTATUS", {}, {}, [200]);
      await response.body?.cancel();
      return true;
    } catch (error) {
      if (error instanceof NotFoundInStorageError) return false;
      throw error;
    }
  }

  async mkdirs(dir: string): Promise<void> {
    const response = await this.call("PUT", dir, "MKDIRS", {}, {}, [200]);
    const body = await this.json<{ boolean: boolean }>(response, "MKDIRS", dir);
    if (!body.boolean) throw new StorageError(`WebHDFS MKDIRS ${dir} returned false`, dir, { retriable: false });
  }

  async delete(file: string): Promise<boolean> {
    for (const dir of this.madeFolders) if (dir === file || dir.startsWith(`${file}/`)) this.madeFolders.delete(dir);
    const response = await this.call("DELETE", file, "DELETE", { recursive: "true" }, {}, [200]);
    return (await this.json<{ boolean: boolean }>(response, "DELETE", file)).boolean;
  }

  private status(file: string, s: HdfsFileStatus): FileStatus {
    const isDirectory = s.type === "DIRECTORY";
    return { path: file, name: path.posix.basename(file), size: isDirectory ? 0 : s.length, isDirectory, modifiedAt: s.modificationTime };
  }

  private async dataNode(method: "GET" | "PUT", op: string, file: string, url: string, body: Uint8Array | undefined, ok: number[]): Promise<DataNodeAnswer> {
    let answer: DataNodeAnswer;
    try {
      answer = await dataNodeRequest(method, url, body, body ? { "content-type": "application/octet-stream" } : {}, this.dataTimeoutMs);
    } catch (error) {
      throw networkError(op, file, url, error);
    }
    if (!ok.includes(answer.status)) throw httpError(op, file, answer.status, answer.body.toString("utf8"));
    return answer;
  }

  /** Calls the NameNode for `op` on `file`; answers outside `ok` become StorageErrors. */
  private call(method: string, file: string, op: string, params: Params, init: RequestInit, ok: number[], timeoutMs = this.timeoutMs): Promise<Response> {
    if (!file.startsWith("/")) throw new StorageError(`WebHDFS paths must be absolute: ${file}`, file, { retriable: false });
    const query = new URLSearchParams({ op, "user.name": this.options.user, ...params });
    const encoded = file.split("/").map(encodeURIComponent).join("/");
    return this.send(method, op, file, `${this.base}/webhdfs/v1${encoded}?${query.toString()}`, init, ok, timeoutMs);
  }

  private async send(method: string, op: string, file: string, url: string, init: RequestInit, ok: number[], timeoutMs = this.timeoutMs): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(url, { ...init, method, signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      throw networkError(op, file, url, error);
    }
    if (ok.includes(response.status)) return response;
    throw httpError(op, file, response.status, await response.text().catch(() => ""));
  }

  private async json<T>(response: Response, op: string, file: string): Promise<T> {
    const text = await response.text();
    try {
      return JSON.parse(text) as T;
    } catch (cause) {
      const remote = parseRemoteException(text);
      throw new StorageError(`WebHDFS ${op} ${file}: unreadable answer ${remote?.message ?? text.slice(0, 200)}`, file, { cause, retriable: true });
    }
  }
}
