CREATE TABLE base (created_at timestamp DEFAULT now(), e integer);
CREATE TABLE child (a1 integer, a2 integer) INHERITS (base);
