-- Freshness per {{unit}} of event time: mean and worst delay from API to sink.
-- Streamed events land within a roll interval; events a batch run picks up later show the gap.
SELECT date_trunc('{{unit}}', "timestamp") AS bucket,
       count(*) AS events,
       avg(date_diff('millisecond', "timestamp", ingested_at)) AS mean_ms,
       max(date_diff('millisecond', "timestamp", ingested_at)) AS max_ms
FROM events
GROUP BY date_trunc('{{unit}}', "timestamp")
ORDER BY bucket
