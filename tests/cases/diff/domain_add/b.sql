CREATE TABLE t (id integer);
CREATE DOMAIN email AS text CHECK (VALUE ~ '@');
CREATE DOMAIN positive_int AS integer NOT NULL DEFAULT 1 CONSTRAINT positive CHECK (VALUE > 0);
