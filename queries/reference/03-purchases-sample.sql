select * from purchases limit 5;
