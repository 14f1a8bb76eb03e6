-- case: ADD CONSTRAINT ... UNIQUE builds its index under ACCESS EXCLUSIVE
-- expect: add-unique-constraint warning line 5
-- live: CREATE TABLE table_name (id bigint, field_name text);
-- runs: ok
ALTER TABLE table_name ADD CONSTRAINT field_name_constraint UNIQUE (field_name);
