-- case: COPY naming a column twice fails before it opens the file
-- expect: duplicate-column error line 5
-- live: CREATE TABLE orders (id bigint, total numeric);
-- runs: fails 42701
COPY orders (id, total, id) FROM '/nonexistent/orders.csv' WITH (FORMAT csv);
