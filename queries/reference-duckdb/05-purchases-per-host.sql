-- DuckDB has no GROUP BY DISTINCT (a Trino grouping-sets modifier); with one grouping column it equals GROUP BY.
select distinct host, count(*) as num_purchases from purchases group by host order by count(*) desc;
