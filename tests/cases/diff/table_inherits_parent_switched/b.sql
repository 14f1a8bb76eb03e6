CREATE TABLE parent (other text);
CREATE TABLE parent2 (id bigint NOT NULL);
CREATE TABLE child (note text) INHERITS (parent2);
