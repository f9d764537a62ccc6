-- DuckDB's DESCRIBE answers column_name, column_type, null, key, default, extra; this answers Trino's
-- Column, Type, Extra, Comment with Trino's type names (timestamp(3), lower case) and dt as the partition key.
select column_name as "Column",
       case data_type when 'TIMESTAMP' then 'timestamp(3)' else lower(data_type) end as "Type",
       case when column_name = 'dt' then 'partition key' else '' end as "Extra",
       '' as "Comment"
from information_schema.columns
where table_schema = current_schema() and table_name = 'guilds'
order by ordinal_position;
