CREATE DOMAIN code AS text CONSTRAINT code_format CHECK (length(VALUE) BETWEEN 3 AND 5);
CREATE TABLE items (code code);
