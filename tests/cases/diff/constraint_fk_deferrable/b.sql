CREATE TABLE nodes (id integer PRIMARY KEY, parent_id integer,
    CONSTRAINT nodes_parent_fk FOREIGN KEY (parent_id) REFERENCES nodes (id) DEFERRABLE INITIALLY DEFERRED);
