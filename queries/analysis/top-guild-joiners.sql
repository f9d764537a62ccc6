-- Players who joined the most distinct guilds (completed joins), by player identity.
SELECT player_id, count(DISTINCT guild_name) AS guilds_joined, count(*) AS joins
FROM guilds
WHERE event_type = 'join_guild' AND outcome = 'ok'
GROUP BY player_id
ORDER BY guilds_joined DESC, joins DESC, player_id
LIMIT 10
