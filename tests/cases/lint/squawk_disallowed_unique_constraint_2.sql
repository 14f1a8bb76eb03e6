-- case: dropping a constraint builds no index
-- expect: add-unique-constraint none
-- live: CREATE TABLE table_name (id bigint, field_name text CONSTRAINT field_name_constraint UNIQUE);
-- runs: ok
ALTER TABLE table_name DROP CONSTRAINT field_name_constraint;
