-- DuckDB has no GROUP BY DISTINCT (a Trino grouping-sets modifier); with one grouping column it equals GROUP BY.
select distinct type, count(*) as num_purchases from purchases group by type order by num_purchases desc;
