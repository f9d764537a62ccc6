-- Current members per guild as completed joins minus completed leaves: an order-free
-- cross-check of the event-time answer (current-guild-members.sql).
SELECT guild_name,
       sum(CASE WHEN event_type = 'join_guild' THEN 1 ELSE -1 END) AS members,
       sum(CASE WHEN event_type = 'join_guild' THEN 1 ELSE 0 END) AS joins,
       sum(CASE WHEN event_type = 'leave_guild' THEN 1 ELSE 0 END) AS leaves
FROM guilds
WHERE outcome = 'ok'
GROUP BY guild_name
ORDER BY members DESC, guild_name
