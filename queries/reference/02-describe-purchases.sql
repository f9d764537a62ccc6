describe purchases;
