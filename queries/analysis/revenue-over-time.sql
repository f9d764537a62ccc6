-- Revenue per time bucket ({{unit}}: second, minute or hour) and its running total.
-- `purchases` holds completed purchases only, so every row has a cost.
SELECT date_trunc('{{unit}}', "timestamp") AS bucket,
       count(*) AS purchases,
       sum(cost) AS revenue,
       sum(sum(cost)) OVER (ORDER BY date_trunc('{{unit}}', "timestamp")) AS cumulative_revenue
FROM purchases
GROUP BY date_trunc('{{unit}}', "timestamp")
ORDER BY bucket
