select distinct host from purchases;
