select host, event_type, count(distinct guild_name) as num_times
from (
  select *
  from guilds
  where guild_member_cnt is not NULL)
group by host, event_type
having event_type = 'join_guild'
order by num_times desc;
