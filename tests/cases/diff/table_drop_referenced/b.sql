CREATE TABLE child (id integer PRIMARY KEY, parent_id integer);
