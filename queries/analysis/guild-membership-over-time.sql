-- Members of each guild over time: net completed joins minus leaves per {{unit}}, summed up.
-- Counting completed actions is exact whatever the order of the log; refused actions
-- (outcome 'rejected', NULL guild_member_cnt) change nothing and are left out.
WITH changes AS (
  SELECT date_trunc('{{unit}}', "timestamp") AS bucket,
         guild_name,
         sum(CASE WHEN event_type = 'join_guild' THEN 1 ELSE -1 END) AS net_change
  FROM guilds
  WHERE outcome = 'ok'
  GROUP BY date_trunc('{{unit}}', "timestamp"), guild_name
)
SELECT bucket, guild_name, net_change,
       sum(net_change) OVER (PARTITION BY guild_name ORDER BY bucket) AS members
FROM changes
ORDER BY bucket, guild_name
