/**
 * A minimal Trino REST client (POST /v1/statement, follow nextUri) that also returns the query's
 * statistics, which the query benchmark needs (splits, input rows and bytes, elapsed time).
 */
import { QueryError } from "../../../src/errors";
import { withRetry } from "../../../src/retry";

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

  /** One request; 502, 503 and 504 ask the client to retry the same URI (up to 20 times, 50 ms more each time). */
  private call(url: string, init: RequestInit): Promise<TrinoResponse> {
    return withRetry(
      async () => {
        const res = await fetch(url, init);
        if (!res.ok) {
          const retriable = [502, 503, 504].includes(res.status);
          throw new QueryError(`Trino HTTP ${res.status}: ${await res.text()}`, undefined, { retriable });
        }
        return (await res.json()) as TrinoResponse;
      },
      { attempts: 21, backoffMs: (attempt) => 50 * attempt },
    );
  }
}
