-- Which guilds currently have the most members: each guild's member count after its latest
-- accepted join or leave. The reference query (reference/11) numbers rows with ROW_NUMBER() OVER ()
-- without an order, so "latest" is whatever order the engine scans the files in; here it is the
-- event time, then the position in the log. Runs unchanged on Trino, PrestoDB and DuckDB.
with ranked as (
  select guild_name,
         guild_member_cnt,
         row_number() over (partition by guild_name order by "timestamp" desc, kafka_partition desc, kafka_offset desc) as rn
  from guilds
  where guild_member_cnt is not null
)
select guild_name, guild_member_cnt from ranked where rn = 1 order by guild_member_cnt desc, guild_name;
