CREATE TABLE base (created_at timestamp DEFAULT now());
CREATE TABLE child (a1 integer) INHERITS (base);
ALTER TABLE child ADD COLUMN e integer;
