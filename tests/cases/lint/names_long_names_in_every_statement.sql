-- case: every identifier of every statement is cut to 63 bytes, not only table and column names
-- expect: naming-and-identifiers info line 14
-- expect: naming-and-identifiers info line 15
-- expect: naming-and-identifiers info line 16
-- expect: naming-and-identifiers info line 17
-- expect: naming-and-identifiers info line 18
-- expect: naming-and-identifiers info line 19
-- expect: naming-and-identifiers info line 20
-- expect: naming-and-identifiers info line 21
-- expect: naming-and-identifiers info line 22
-- expect: naming-and-identifiers info line 23
-- live: CREATE TABLE subscriptions (id bigint, remind boolean);
-- runs: ok
CREATE INDEX idx_customers_who_asked_to_be_reminded_before_their_subscription_renews ON subscriptions (remind);
ALTER TABLE subscriptions ADD CONSTRAINT check_customers_who_asked_to_be_reminded_before_their_subscription_renews CHECK (remind IS NOT NULL);
ALTER TABLE subscriptions RENAME COLUMN remind TO customers_who_asked_to_be_reminded_before_their_subscription_renews;
CREATE SEQUENCE seq_customers_who_asked_to_be_reminded_before_their_subscription_renews;
CREATE FUNCTION count_customers_who_asked_to_be_reminded_before_their_subscription_renews() RETURNS bigint LANGUAGE sql AS 'SELECT 1::bigint';
CREATE VIEW view_customers_who_asked_to_be_reminded_before_their_subscription_renews AS SELECT id FROM subscriptions;
CREATE TABLE U&"table\005fcustomers_who_asked_to_be_reminded_before_their_subscription_renews" (id bigint);
ALTER INDEX idx_customers_who_asked_to_be_reminded_before_their_subscription_renews RENAME TO index_customers_who_asked_to_be_reminded_before_their_subscription_renews;
COMMENT ON COLUMN subscriptions.customers_who_asked_to_be_reminded_before_their_subscription_renews_and_more IS 'the cut name is the column';
DROP SEQUENCE seq_customers_who_asked_to_be_reminded_before_their_subscription_renews_sequence;
