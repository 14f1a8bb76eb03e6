CREATE TABLE parent (id bigint PRIMARY KEY);
CREATE TABLE child (id integer PRIMARY KEY, parent_id bigint NOT NULL REFERENCES parent (id));
CREATE INDEX child_parent_idx ON child (parent_id);
