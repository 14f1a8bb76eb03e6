-- case: a DROP of a long name drops the table that has its first 63 bytes, another one
-- expect: naming-and-identifiers info line 5
-- live: CREATE TABLE order_line_items_shipped_to_customers_outside_the_european_unio (id bigint);
-- runs: ok
DROP TABLE order_line_items_shipped_to_customers_outside_the_european_union_archive;
CREATE TABLE order_line_items_shipped_to_customers_outside_the_european_unio (id bigint);
