-- What the game refused, per action: outcome and reason counts and their share of the action.
SELECT event_type,
       outcome,
       coalesce(reason, '-') AS reason,
       count(*) AS events,
       CAST(count(*) AS DOUBLE) / sum(count(*)) OVER (PARTITION BY event_type) AS share
FROM events
GROUP BY event_type, outcome, coalesce(reason, '-')
ORDER BY event_type, outcome, events DESC, reason
