-- case: ADD PRIMARY KEY builds its index under ACCESS EXCLUSIVE
-- expect: add-primary-key warning line 6
-- live: CREATE TABLE items (id bigint NOT NULL, name text);
-- live: INSERT INTO items SELECT g, 'i' || g FROM generate_series(1, 100) g;
-- runs: ok
ALTER TABLE items ADD PRIMARY KEY (id);
