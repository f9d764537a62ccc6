select distinct host, sum(cost) as money_spent from purchases group by distinct host order by sum(cost) desc;
