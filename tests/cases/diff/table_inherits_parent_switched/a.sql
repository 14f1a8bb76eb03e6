CREATE TABLE parent (id bigint NOT NULL);
CREATE TABLE child (note text) INHERITS (parent);
