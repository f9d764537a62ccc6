-- Which guilds currently have the most members: the latest completed join or leave of each guild
-- by event time, ties broken by log position (the reference used ROW_NUMBER() OVER () with no
-- order, which picks an arbitrary row). guild_member_cnt is the count the API computed after it.
WITH ranked AS (
  SELECT guild_name, guild_member_cnt,
         row_number() OVER (PARTITION BY guild_name ORDER BY "timestamp" DESC, kafka_partition DESC, kafka_offset DESC) AS rn
  FROM guilds
  WHERE guild_member_cnt IS NOT NULL
)
SELECT guild_name, guild_member_cnt FROM ranked WHERE rn = 1 ORDER BY guild_member_cnt DESC, guild_name
