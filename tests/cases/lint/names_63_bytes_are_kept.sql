-- case: names of 63 bytes are kept whole (a "" in a quoted name is one byte), and strings are no names
-- expect: naming-and-identifiers none
-- runs: ok
CREATE TABLE order_line_items_shipped_to_customers_outside_the_european_unio (id bigint);
CREATE TABLE order_line_items_shipped_to_customers_outside_the_european_unix (id bigint);
CREATE TABLE "éééééééééééééééééééééééééééééééa" (id bigint);
CREATE TABLE "éééééééééééééééééééééééééééééééb" (id bigint);
CREATE TABLE "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx""a" (id bigint);
CREATE TABLE "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx""b" (id bigint);
COMMENT ON TABLE order_line_items_shipped_to_customers_outside_the_european_unio IS 'order_line_items_shipped_to_customers_outside_the_european_union_and_then_some';
SELECT 'customers_who_asked_to_be_reminded_before_their_subscription_renews_and_so_on' AS label;
