/**
 * A minimal Trino REST client (POST /v1/statement, follow nextUri) that also returns the query's
 * statistics, which the query benchmark needs (splits, input rows and bytes, elapsed time).
 */
export interface TrinoResult {
  rows: unknown[][];
  columns: string[];
  stats: TrinoStats;
}

export interface TrinoStats {
  state: string;
  elapsedTimeMillis: number;
  cpuTimeMillis: number;
  totalSplits: number;
  processedRows: number;
  processedBytes: number;
}

interface TrinoResponse {
  id: string;
  nextUri?: string;
  columns?: { name: string }[];
  data?: unknown[][];
  stats: TrinoStats;
  error?: { message: string; errorName: string };
}

export class Trino {
  constructor(private readonly baseUrl: string, private readonly user = "game-events-bench", private readonly catalog = "hive") {}

  async query(sql: string, schema = "default"): Promise<TrinoResult> {
    let res = await this.call(`${this.baseUrl}/v1/statement`, {
      method: "POST",
      body: sql,
      headers: { "X-Trino-User": this.user, "X-Trino-Catalog": this.catalog, "X-Trino-Schema": schema },
    });
    const rows: unknown[][] = [];
    let columns: string[] = [];
    for (;;) {
      if (res.error) throw new Error(`Trino ${res.error.errorName}: ${res.error.message} (${sql.slice(0, 80)})`);
      if (res.columns) columns = res.columns.map((c) => c.name);
      if (res.data) rows.push(...res.data);
      if (!res.nextUri) return { rows, columns, stats: res.stats };
      res = await this.call(res.nextUri, { headers: { "X-Trino-User": this.user } });
    }
  }

  private async call(url: string, init: RequestInit): Promise<TrinoResponse> {
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(url, init);
      // 502/503/504 ask the client to retry the same URI.
      if ([502, 503, 504].includes(res.status) && attempt < 20) {
        await res.arrayBuffer();
        await new Promise((r) => setTimeout(r, 50 * (attempt + 1)));
        continue;
      }
      if (!res.ok) throw new Error(`Trino HTTP ${res.status}: ${await res.text()}`);
      return (await res.json()) as TrinoResponse;
    }
  }
}
