select distinct type, count(*) as num_purchases from purchases group by distinct type order by num_purchases desc;
