/**
 * Serves the sink's metrics for Prometheus on GET /metrics.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import type { SinkMetrics } from "./metrics";

export interface MetricsServer {
  port: number;
  close(): Promise<void>;
}

/** Listens on `port` (0 picks a free port); `refresh` runs before each scrape (e.g. to update lag). */
export async function startMetricsServer(port: number, metrics: SinkMetrics, refresh: () => Promise<void>, host = "0.0.0.0"): Promise<MetricsServer> {
  const server = http.createServer((req, res) => {
    if (req.method !== "GET" || (req.url !== "/metrics" && req.url !== "/")) {
      res.writeHead(404).end();
      return;
    }
    void refresh()
      .catch(() => undefined)
      .then(() => {
        res.writeHead(200, { "content-type": "text/plain; version=0.0.4" });
        res.end(metrics.prometheus());
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
