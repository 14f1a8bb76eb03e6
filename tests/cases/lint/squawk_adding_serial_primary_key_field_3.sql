-- case: PRIMARY KEY USING INDEX adopts an index built before: no build
-- expect: add-primary-key none
-- live: CREATE TABLE items (id bigint NOT NULL, name text);
-- live: INSERT INTO items SELECT g, 'i' || g FROM generate_series(1, 100) g;
-- live: CREATE UNIQUE INDEX items_pk ON items (id);
-- runs: ok
ALTER TABLE items ADD CONSTRAINT items_pk PRIMARY KEY USING INDEX items_pk;
