-- First and last event time, to choose the time bucket of the time-series charts.
SELECT min("timestamp") AS first_event, max("timestamp") AS last_event,
       date_diff('millisecond', min("timestamp"), max("timestamp")) AS span_ms,
       count(*) AS events
FROM events
