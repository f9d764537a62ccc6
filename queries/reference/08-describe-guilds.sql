describe guilds;
