-- case: two names over 63 bytes that share their first 63 are one name: the second CREATE fails
-- expect: naming-and-identifiers info line 5
-- expect: naming-and-identifiers info line 6
-- runs: fails 42P07
CREATE TABLE order_line_items_shipped_to_customers_outside_the_european_union_2023 (id bigint);
CREATE TABLE order_line_items_shipped_to_customers_outside_the_european_union_2024 (id bigint);
