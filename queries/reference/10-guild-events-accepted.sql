select count(*) as num_events from guilds where guild_member_cnt is not NULL;
