-- Spend of every player who sent at least one valid event (players who bought nothing count
-- as 0), ranked, with the running share of all revenue: the heavy tail in one table.
WITH players AS (
  SELECT DISTINCT player_id FROM events
), spend AS (
  SELECT player_id, count(*) AS purchases, sum(cost) AS spend FROM purchases GROUP BY player_id
), ranked AS (
  SELECT p.player_id,
         coalesce(s.purchases, 0) AS purchases,
         coalesce(s.spend, 0) AS spend,
         row_number() OVER (ORDER BY coalesce(s.spend, 0) DESC, p.player_id) AS spend_rank,
         count(*) OVER () AS players
  FROM players p LEFT JOIN spend s ON s.player_id = p.player_id
)
SELECT player_id, purchases, spend, spend_rank,
       CAST(spend_rank AS DOUBLE) / players AS player_share,
       CAST(sum(spend) OVER (ORDER BY spend_rank ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS DOUBLE)
         / nullif(sum(spend) OVER (), 0) AS cumulative_revenue_share
FROM ranked
ORDER BY spend_rank
