WITH current_guilds AS (
  SELECT m.*, ROW_NUMBER() OVER (PARTITION BY guild_name ORDER BY num_row DESC) AS rn
  FROM (
    SELECT ROW_NUMBER() OVER() AS num_row,
                 guild_name,
                 guild_member_cnt
                 FROM guilds
                 where guild_member_cnt is not NULL
      ) AS m
)
SELECT guild_name, guild_member_cnt FROM current_guilds WHERE rn = 1 ORDER BY guild_member_cnt desc;
