select count(*) as num_events from guilds;
