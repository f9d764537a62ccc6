-- Pipeline freshness: how long after the API accepted an event (`timestamp`) the sink read it
-- (`ingested_at`). Nearest-rank percentiles with window functions, so the same SQL runs on
-- DuckDB and Trino (their percentile functions differ in name and method).
WITH latency AS (
  SELECT date_diff('millisecond', "timestamp", ingested_at) AS ms FROM events
), ranked AS (
  SELECT ms, row_number() OVER (ORDER BY ms) AS rn, count(*) OVER () AS n FROM latency
)
SELECT max(n) AS events,
       min(ms) AS min_ms,
       max(CASE WHEN rn <= ceil(0.50 * n) THEN ms END) AS p50_ms,
       max(CASE WHEN rn <= ceil(0.90 * n) THEN ms END) AS p90_ms,
       max(CASE WHEN rn <= ceil(0.99 * n) THEN ms END) AS p99_ms,
       max(ms) AS max_ms
FROM ranked
