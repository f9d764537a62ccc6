-- Purchases and revenue per item, with each item's share of all revenue.
SELECT type AS item,
       CASE WHEN event_type = 'purchase_sword' THEN 'sword' ELSE 'shield' END AS kind,
       count(*) AS purchases,
       sum(cost) AS revenue,
       CAST(sum(cost) AS DOUBLE) / sum(sum(cost)) OVER () AS revenue_share
FROM purchases
GROUP BY type, event_type
ORDER BY revenue DESC, item
