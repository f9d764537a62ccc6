select distinct host, count(*) as num_purchases from purchases group by distinct host order by count(*) desc;
