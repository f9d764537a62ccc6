-- Rows per table: what the sink landed.
SELECT 'events' AS table_name, count(*) AS row_count FROM events
UNION ALL SELECT 'sword_purchases', count(*) FROM sword_purchases
UNION ALL SELECT 'purchases', count(*) FROM purchases
UNION ALL SELECT 'guilds', count(*) FROM guilds
UNION ALL SELECT 'dead_letters', count(*) FROM dead_letters
ORDER BY table_name
