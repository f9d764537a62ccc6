-- DuckDB's SHOW TABLES answers a column "name"; this answers Trino's column "Table", sorted as Trino sorts.
select table_name as "Table" from information_schema.tables where table_schema = current_schema() order by table_name;
