/** The question each of the reference's 13 queries answers, as its write-up asks it. */
export const REFERENCE_QUESTIONS: Readonly<Record<string, string>> = {
  "01": "Which tables are there?",
  "02": "What is the schema of the purchases table?",
  "03": "What do purchases look like? (first 5 rows)",
  "04": "Which players bought something?",
  "05": "Which players made the most purchases?",
  "06": "Which players spent the most money in the game?",
  "07": "What is the most purchased item?",
  "08": "What is the schema of the guilds table?",
  "09": "How many guild events are there?",
  "10": "How many guild events have a member count (accepted joins and leaves)?",
  "11": "Which guilds currently have the most members? (the reference's query, verbatim: its ROW_NUMBER() OVER () has no order)",
  "12": "Which players joined the most guilds?",
  "13": "Which players left the most guilds?",
};
