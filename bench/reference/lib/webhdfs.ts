/**
 * What a benchmark run left on HDFS, through WebHDFS: data files (names starting with `.` or `_`
 * are ignored, as Hive and Trino ignore them: Spark's `_spark_metadata`, temp files), their
 * sizes, and row counts read from each Parquet footer (an independent check of both writers).
 */
export interface HdfsFile {
  path: string;
  length: number;
}

interface FileStatus {
  pathSuffix: string;
  type: "FILE" | "DIRECTORY";
  length: number;
}

export class WebHdfs {
  constructor(private readonly baseUrl: string, private readonly user = "hive") {}

  private url(path: string, op: string, extra = ""): string {
    return `${this.baseUrl}/webhdfs/v1${path}?op=${op}&user.name=${encodeURIComponent(this.user)}${extra}`;
  }

  async exists(path: string): Promise<boolean> {
    const res = await fetch(this.url(path, "GETFILESTATUS"));
    await res.arrayBuffer();
    return res.ok;
  }

  /** Data files under `path`, recursively; [] when it does not exist. */
  async listDataFiles(path: string): Promise<HdfsFile[]> {
    const res = await fetch(this.url(path, "LISTSTATUS"));
    if (res.status === 404) return [];
    if (!res.ok) throw new Error(`WebHDFS LISTSTATUS ${path}: ${res.status} ${await res.text()}`);
    const body = (await res.json()) as { FileStatuses: { FileStatus: FileStatus[] } };
    const out: HdfsFile[] = [];
    for (const s of body.FileStatuses.FileStatus) {
      if (s.pathSuffix.startsWith(".") || s.pathSuffix.startsWith("_")) continue;
      const child = `${path}/${s.pathSuffix}`;
      if (s.type === "DIRECTORY") out.push(...(await this.listDataFiles(child)));
      else out.push({ path: child, length: s.length });
    }
    return out;
  }

  /** Bytes [offset, offset+length) of a file (OPEN redirects to a DataNode; fetch follows). */
  async read(path: string, offset: number, length: number): Promise<ArrayBuffer> {
    const res = await fetch(this.url(path, "OPEN", `&offset=${offset}&length=${length}`));
    if (!res.ok) throw new Error(`WebHDFS OPEN ${path}: ${res.status}`);
    return res.arrayBuffer();
  }

  async delete(path: string): Promise<void> {
    const res = await fetch(this.url(path, "DELETE", "&recursive=true"), { method: "DELETE" });
    await res.arrayBuffer();
    if (!res.ok && res.status !== 404) throw new Error(`WebHDFS DELETE ${path}: ${res.status}`);
  }

  /** Rows in a Parquet file, from its footer. */
  async parquetRows(file: HdfsFile): Promise<number> {
    // hyparquet is ESM-only; a dynamic import keeps this CommonJS build working.
    const { parquetMetadataAsync } = await import("hyparquet");
    const buffer = {
      byteLength: file.length,
      slice: (start: number, end?: number) => this.read(file.path, start, (end ?? file.length) - start),
    };
    const metadata = await parquetMetadataAsync(buffer);
    return Number(metadata.num_rows);
  }
}

export interface TableFiles {
  files: number;
  bytes: number;
  rows: number;
}

/** Files, bytes and rows of one table folder. */
export async function tableFiles(hdfs: WebHdfs, path: string): Promise<TableFiles> {
  const files = await hdfs.listDataFiles(path);
  const parquet = files.filter((f) => f.path.endsWith(".parquet"));
  let rows = 0;
  for (const f of parquet) rows += await hdfs.parquetRows(f);
  return { files: parquet.length, bytes: parquet.reduce((sum, f) => sum + f.length, 0), rows };
}
