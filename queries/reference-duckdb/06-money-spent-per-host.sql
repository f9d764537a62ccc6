-- DuckDB has no GROUP BY DISTINCT (a Trino grouping-sets modifier); with one grouping column it equals GROUP BY.
select distinct host, sum(cost) as money_spent from purchases group by host order by sum(cost) desc;
