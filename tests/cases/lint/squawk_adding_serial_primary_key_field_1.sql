-- case: ADD COLUMN ... SERIAL PRIMARY KEY builds the key's index under ACCESS EXCLUSIVE
-- expect: add-primary-key warning line 7
-- expect: add-column-generated-or-serial warning line 7
-- live: CREATE TABLE items (id bigint NOT NULL, name text);
-- live: INSERT INTO items SELECT g, 'i' || g FROM generate_series(1, 100) g;
-- runs: ok
ALTER TABLE items ADD COLUMN b serial PRIMARY KEY;
